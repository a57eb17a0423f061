"""Every test's ground (autouse): fast password hashing, empty caches and memos, temporary
uploads; and `front_cache`, a purging front of the test's own."""

import pytest

from django.conf import global_settings
from django.core.cache import caches
from django.db import transaction
from django.test.utils import override_settings

from kisha.core.frontend_cache import purges_join
from kisha.core.memo import memos_forget
from tests.frontend import FakeFront


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Users are made and logins checked with Django's MD5 hasher, as the servers the tests
    start do (KISHA_TEST_MD5_PASSWORDS, kisha/settings.py): PBKDF2's million rounds cost about a
    second each on a loaded CI machine. PBKDF2 hashes still check."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher", *global_settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    for alias in ("default", "tags"):
        caches[alias].clear()
    memos_forget()
    yield
    for alias in ("default", "tags"):
        caches[alias].clear()
    memos_forget()


@pytest.fixture(autouse=True)
def _test_storage(settings, tmp_path_factory):
    """Uploads go to a temporary folder; static files are served unhashed, without collectstatic."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def front_cache(settings):
    """Configure one purging front (a FakeFront), quick retries; yields a function that returns
    a configured FakeFront. Purge threads are joined before the test ends."""
    fronts: list[FakeFront] = []
    settings.KISHA_PURGE_RETRIES = 2
    settings.KISHA_PURGE_RETRY_SECONDS = 0.05

    def configure(*, delay: float = 0.0, location: str | None = None, timeout: float = 2.0):
        front = None
        if location is None:
            front = FakeFront(delay=delay)
            fronts.append(front)
            location = front.url
        settings.WAGTAILFRONTENDCACHE = {
            "front": {
                "BACKEND": "kisha.core.frontend_cache.TimeoutHTTPBackend",
                "LOCATION": location,
                "TIMEOUT": timeout,
            }
        }
        # The fixtures' page saves left a purge batch waiting for a commit that never comes in
        # a test's transaction; purges asked for from here on start their own, which
        # django_capture_on_commit_callbacks runs.
        transaction.get_connection().__dict__.pop("_kisha_purge_batch", None)
        return front

    yield configure
    purges_join(timeout=10)
    for front in fronts:
        front.close()
