"""``python -m cellpath.registry {outcomes,synth} ...`` (same as ``cellpath outcomes|synth``)."""

import sys

from cellpath.registry.commands import main

sys.exit(main())
