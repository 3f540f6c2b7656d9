"""``python -m cellpath.registry {outcomes,synth,proact} ...`` (same as ``cellpath outcomes`` …)."""

import sys

from cellpath.registry.commands import EXIT_BAD_INPUT, EXIT_OK, outcomes_main, synth_main
from cellpath.registry.proact_cli import proact_main

COMMANDS = {"outcomes": outcomes_main, "synth": synth_main, "proact": proact_main}


def main(args: list[str]) -> int:
    if not args or args[0] not in COMMANDS:
        print(
            "usage: python -m cellpath.registry {outcomes,synth,proact} ... "
            "(--help after a command)",
            file=sys.stderr,
        )
        return EXIT_OK if args and args[0] in ("-h", "--help") else EXIT_BAD_INPUT
    return COMMANDS[args[0]](args[1:])


sys.exit(main(sys.argv[1:]))
