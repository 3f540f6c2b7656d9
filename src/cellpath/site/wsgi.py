"""WSGI entry point, served by `cellpath serve` (waitress) or any WSGI server in production."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellpath.site.settings")
application = get_wsgi_application()

# What loading the application created (modules, settings, URL patterns) lives as long as the
# process: moved out of the cycle collector's sight, a full collection in the middle of a
# request no longer walks it (gc.freeze, Python ≥ 3.7). Matching 2,000 trials allocates enough
# to trigger such collections; frozen, they cost a fraction.
gc.collect()
gc.freeze()
