"""The sign-up limits hold across two real gunicorn workers: the rate limit per address lives
in the shared cache, and the one-confirmation-mail window in the database."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from kisha.newsletter.factories import NewsletterListFactory
from tests.newsletter.smtp import SMTPServer
from tests.processes import free_port, wagtail_initial_data_restore


@pytest.fixture(autouse=True)
def wagtail_initial_data(transactional_db):
    """A transactional test's flush removed Wagtail's root page, locale and collection."""
    wagtail_initial_data_restore()


@pytest.fixture
def relay():
    server = SMTPServer(free_port()).start()
    yield server
    server.stop()


def test_limits_are_shared_by_every_worker(app_server, relay, home):
    NewsletterListFactory(slug="morning", in_sidebar=True)
    server = app_server(
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(relay.port),
        KISHA_SITE_URL="http://127.0.0.1",
        KISHA_NEWSLETTER_SIGNUP_LIMIT="6",
    )
    mark = server.mark()

    def post(email: str) -> int:
        response = requests.post(
            server.url + "/newsletter/subscribe/",
            data={"email": email},
            timeout=30,
            allow_redirects=False,
        )
        return response.status_code

    # The same address eight times at once, then others: one mail for the address, and the
    # sixth post from this client, whichever worker takes it, is the last one let through.
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(post, ["same@example.jp"] * 4))
    codes += [post(f"other{i}@example.jp") for i in range(4)]
    assert len(server.pids(since=mark)) == 2, "both workers should have answered"
    assert codes[:6] == [303] * 6 and codes[6:] == [429, 429]
    relay.wait_for(3, timeout=10)
    to = sorted(r.rcpt_tos[0] for r in relay.received)
    assert to == ["other0@example.jp", "other1@example.jp", "same@example.jp"]
