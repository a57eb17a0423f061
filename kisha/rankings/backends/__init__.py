"""Counter back ends, chosen by KISHA_RANKINGS_BACKEND (a dotted path), like Django's contrib
back ends: `base.py` says what a back end does, one module per provider."""

from __future__ import annotations

import threading

from django.conf import settings
from django.utils.module_loading import import_string

from ..conf import conf
from .base import BaseCounter

DATABASE = "kisha.rankings.backends.database.DatabaseCounter"
REDIS = "kisha.rankings.backends.redis.RedisCounter"

_lock = threading.Lock()
_backend: BaseCounter | None = None


def backend_path() -> str:
    return conf("KISHA_RANKINGS_BACKEND") or (REDIS if redis_url() else DATABASE)


def redis_url() -> str:
    return conf("KISHA_RANKINGS_REDIS_URL") or getattr(settings, "REDIS_URL", "")


def get_backend() -> BaseCounter:
    """This process's counter, built on first use (after a fork, so workers never share one)."""
    global _backend
    if _backend is None:
        with _lock:
            if _backend is None:
                _backend = import_string(backend_path()).from_settings()
    return _backend


def reset_backend() -> None:
    """Flush and forget the counter (settings changed, e.g. in tests)."""
    global _backend
    with _lock:
        old, _backend = _backend, None
    if old is not None:
        old.close()
