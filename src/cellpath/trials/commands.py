"""`cellpath trials …`: import the registry, sync it from the live API, read criteria.

    cellpath trials import PATH [--condition-filter als]   a bulk ZIP, a folder or a .json file
    cellpath trials sync [--condition TEXT] [--status S …] the live API v2 (needs a network)
    cellpath trials criteria FILE                           criteria text → structured JSON
    cellpath trials reread                                  read stored criteria again

`import`, `sync` and `reread` are the import wing's (`ctgov.commands`), `criteria` the criteria
reader's (`criteria.commands`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from cellpath.trials.criteria.commands import criteria_main
from cellpath.trials.ctgov.commands import import_main, reread_main, sync_main

COMMANDS: dict[str, tuple[str, Callable[[list[str]], int]]] = {
    "import": ("import a bulk ZIP, a folder or a file of ClinicalTrials.gov studies", import_main),
    "sync": ("fetch and import studies from the ClinicalTrials.gov API (network)", sync_main),
    "criteria": ("print the structured criteria of an eligibility text as JSON", criteria_main),
    "reread": ("read the stored eligibility texts again", reread_main),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"} or argv[0] not in COMMANDS:
        lines = ["usage: cellpath trials COMMAND [ARGS]", ""]
        lines += [f"  {name:<10} {text}" for name, (text, _) in COMMANDS.items()]
        stream = sys.stdout if not argv or argv[0] in {"-h", "--help", "help"} else sys.stderr
        if argv and stream is sys.stderr:
            lines.insert(0, f"cellpath trials: unknown command {argv[0]!r}")
        print("\n".join(lines), file=stream)
        return 0 if stream is sys.stdout else 2
    return COMMANDS[argv[0]][1](argv[1:])
