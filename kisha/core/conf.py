"""The core app's settings, each with a default, read from django.conf.settings when asked.

Only the operations endpoints (health and metrics) have settings here so far; settings.py reads
them from the environment. Tests override them with pytest-django's `settings` fixture.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Addresses and networks (comma-separated or a list) that may read /-/health/ and /-/metrics.
    # Matched against REMOTE_ADDR only: X-Forwarded-For is whatever the client says.
    "KISHA_OPS_ALLOWED_IPS": "127.0.0.1,::1",
    # A bearer token that opens both endpoints from anywhere; empty: addresses only.
    "KISHA_OPS_TOKEN": "",
    # A database task ready to run for longer than this (seconds) means no db_worker drains it.
    "KISHA_HEALTH_TASK_MAX_AGE": 120,
    # The newest periodic run older than this (seconds) means kisha_scheduler is not running.
    # Its shortest job runs every 15 s, so three minutes is many missed runs, not one slow one.
    "KISHA_HEALTH_SCHEDULER_MAX_AGE": 180,
    # A watched disk (MEDIA_ROOT, the SQLite file's folder) fuller than this percentage fails.
    "KISHA_HEALTH_DISK_MAX_USED_PERCENT": 90.0,
}


def conf(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
