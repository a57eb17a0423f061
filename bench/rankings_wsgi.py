"""The site's WSGI application with the beacon answered by kisha.rankings.wsgi's lean handler
(what kisha/wsgi.py would serve if the lean path is adopted); for bench/rankings.py."""

from kisha.rankings.wsgi import with_beacon
from kisha.wsgi import application as django_application

application = with_beacon(django_application)
