"""Settings for bench/rankings.py: production settings, with the beacon's rate limit keyed on
X-Forwarded-For as behind one trusted proxy, so the load generator can play many readers at
many addresses from 127.0.0.1 (the rate limit itself stays on, as in production)."""

from kisha.settings import *  # noqa: F403

KISHA_RANKINGS_PROXY_COUNT = 1
