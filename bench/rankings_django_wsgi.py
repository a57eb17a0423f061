"""Django's WSGI application without the lean beacon dispatcher, so bench/rankings.py can
measure the beacon through the full middleware stack whatever kisha/wsgi.py serves."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kisha.settings")
application = get_wsgi_application()
