"""Shared fixtures: a site with a home page, sections, a topic and articles built by factories."""

import pytest

from django.core.cache import caches
from django.db import transaction

from kisha.core.memo import memos_forget
from kisha.news.factories import (
    ArticlePageFactory,
    AuthorFactory,
    KishaImageFactory,
    SectionPageFactory,
    TopicIndexPageFactory,
    TopicPageFactory,
)
from kisha.news.services import site_ensure_home


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Users are made and logins checked with Django's MD5 hasher, as the servers the tests
    start do (KISHA_TEST_MD5_PASSWORDS, kisha/settings.py): PBKDF2's million rounds cost about a
    second each on a loaded CI machine. PBKDF2 hashes still check."""
    from django.conf import global_settings
    from django.test.utils import override_settings

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
def home(db):
    return site_ensure_home(title="週刊キシャ")


@pytest.fixture
def world(home):
    return SectionPageFactory(parent=home, title="ワールド", slug="world")


@pytest.fixture
def business(home):
    return SectionPageFactory(parent=home, title="ビジネス", slug="business")


@pytest.fixture
def topic(home):
    index = TopicIndexPageFactory(parent=home)
    return TopicPageFactory(parent=index, title="米朝関係", slug="us-north-korea")


@pytest.fixture
def author(db):
    return AuthorFactory(name="山田花子", slug="yamada-hanako", role="ワシントン特派員")


@pytest.fixture
def image(db):
    return KishaImageFactory(title="会談に臨む両首脳")


@pytest.fixture
def article(world, topic, image, author):
    page = ArticlePageFactory(
        parent=world,
        title="米朝首脳、非核化の行程で合意できず　協議は継続へ",
        short_headline="米朝、非核化で合意できず",
        slug="us-dprk-talks",
        hero_image=image,
        hero_caption="会談に臨む両首脳。",
        primary_topic=topic,
        wire_credit="ロイター",
    )
    page.authors.add(author)
    page.save()
    return page


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd, tests/newsletter/smtp.py) that Django's SMTP
    backend sends to: the newsletter's sends and the newsroom's workflow mails."""
    from tests.newsletter.smtp import SMTPServer
    from tests.processes import free_port

    server = SMTPServer(free_port()).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


pytest_plugins = ["tests.processes", "tests.varnish"]


def pytest_sessionfinish(session, exitstatus):
    import sys

    from tests.processes import static_cleanup

    static_cleanup()

    browser_fixtures = sys.modules.get("tests.browser.conftest")
    if browser_fixtures is not None:
        browser_fixtures.close_shared_browser()


@pytest.fixture
def front_cache(settings):
    """Configure one purging front (a FakeFront), quick retries; yields a function that returns
    a configured FakeFront. Purge threads are joined before the test ends."""
    from kisha.core.frontend_cache import purges_join
    from tests.frontend import FakeFront

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
