import pytest

from kisha.newsletter.factories import NewsletterListFactory
from tests.newsletter.smtp import SMTPServer
from tests.processes import free_port


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend sends to."""
    server = SMTPServer(free_port()).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.KISHA_SITE_URL = "http://testserver"
    yield server
    server.stop()


@pytest.fixture
def morning(db):
    return NewsletterListFactory(name="毎朝のニュース", slug="morning", in_sidebar=True)


@pytest.fixture
def weekly(db):
    return NewsletterListFactory(
        name="週間ランキング", slug="weekly", schedule="weekly", weekday=5, in_sidebar=False
    )
