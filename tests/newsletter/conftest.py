import pytest

from kisha.newsletter.factories import NewsletterListFactory


@pytest.fixture
def smtp(smtp, settings):
    """The shared SMTP server (tests/conftest.py), with the site URL the mails' links use."""
    settings.KISHA_SITE_URL = "http://testserver"
    return smtp


@pytest.fixture
def morning(db):
    return NewsletterListFactory(name="毎朝のニュース", slug="morning", in_sidebar=True)


@pytest.fixture
def weekly(db):
    return NewsletterListFactory(
        name="週間ランキング", slug="weekly", schedule="weekly", weekday=5, in_sidebar=False
    )
