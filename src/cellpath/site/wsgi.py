"""WSGI entry point, served by `cellpath serve` (waitress) or any WSGI server in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellpath.site.settings")
application = get_wsgi_application()
