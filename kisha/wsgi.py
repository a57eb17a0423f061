import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kisha.settings")
application = get_wsgi_application()

# Cached anonymous pages are answered before Django, from the cache every worker shares
# (kisha.core.pagecache; on unless a front-end cache is configured, KISHA_PAGE_CACHE).
from kisha.core.pagecache import with_page_cache  # noqa: E402

application = with_page_cache(application)

# The view beacon (/api/views/, the site's hottest request) is answered before Django's
# middleware by kisha.rankings' lean handler, with the same validation, bot and prefetch filters,
# rate limit and counting as the Django view: measured 1.6× the beacons per second with Redis
# and 2.7× with the embedded default (bench/rankings.py, docs/performance.md).
from kisha.rankings.wsgi import with_beacon  # noqa: E402

application = with_beacon(application)
