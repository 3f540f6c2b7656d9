"""``python -m cellpath.registry {outcomes,synth,proact} ...`` (same as ``cellpath outcomes`` …)."""

import sys

from cellpath.registry.commands import main

sys.exit(main())
