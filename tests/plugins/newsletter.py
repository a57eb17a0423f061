"""`smtp`: a real SMTP server (aiosmtpd, tests/newsletter/smtp.py) that Django's SMTP backend
sends to, for the newsletter's sends and the newsroom's workflow mails."""

import pytest

from tests.newsletter.smtp import SMTPServer
from tests.processes import free_port


@pytest.fixture
def smtp(settings):
    server = SMTPServer(free_port()).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
