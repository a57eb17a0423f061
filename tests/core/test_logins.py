"""Brute-force protection (django-axes) on every login form, with a Japanese 429 page."""

import pytest

from django.core.management import call_command

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"
LOGIN_URLS = ["/admin/login/", "/django-admin/login/", "/_util/login/"]


@pytest.fixture
def desk(django_user_model):
    return django_user_model.objects.create_superuser("desk", "desk@example.com", PASSWORD)


def attempt(client, url, password, username="desk", **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_five_failures_lock_the_account_even_for_the_right_password(client, desk, url, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert attempt(client, url, "wrong").status_code == 200  # the form again
    assert attempt(client, url, "wrong").status_code == 429
    response = attempt(client, url, PASSWORD)
    assert response.status_code == 429 and not logged_in(response)
    html = response.content.decode()
    assert '<html lang="ja">' in html and "しばらくしてからお試しください" in html
    assert "5回続けて失敗" in html and "15分ほど" in html


def test_failures_from_one_address_lock_it_for_every_account(client, desk, django_user_model):
    django_user_model.objects.create_user("other", "other@example.com", PASSWORD)
    for number in range(5):
        attempt(client, "/admin/login/", "wrong", username=f"guess{number}")
    assert attempt(client, "/admin/login/", PASSWORD, username="other").status_code == 429
    # Another address may still sign in to an account that was not attacked.
    response = attempt(client, "/admin/login/", PASSWORD, username="other", REMOTE_ADDR="10.0.0.9")
    assert logged_in(response)


def test_failures_against_one_account_lock_it_from_every_address(client, desk):
    for number in range(5):
        attempt(client, "/admin/login/", "wrong", REMOTE_ADDR=f"10.0.0.{number + 1}")
    response = attempt(client, "/admin/login/", PASSWORD, REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429


def test_axes_reset_username_unlocks(client, desk):
    for _ in range(5):
        attempt(client, "/admin/login/", "wrong")
    assert attempt(client, "/admin/login/", PASSWORD).status_code == 429
    call_command("axes_reset_username", "desk")
    assert logged_in(attempt(client, "/admin/login/", PASSWORD))


def test_a_successful_login_resets_the_count(client, desk):
    for _ in range(4):
        attempt(client, "/admin/login/", "wrong")
    assert logged_in(attempt(client, "/admin/login/", PASSWORD))
    client.logout()
    for _ in range(4):
        assert attempt(client, "/admin/login/", "wrong").status_code == 200
    assert logged_in(attempt(client, "/admin/login/", PASSWORD))


def test_an_admin_sees_the_lockouts_in_django_admin(client, desk, django_user_model):
    for _ in range(5):
        attempt(client, "/admin/login/", "wrong")
    admin = django_user_model.objects.create_superuser("chief", "chief@example.com", "pw")
    client.force_login(admin)
    html = client.get("/django-admin/axes/accessattempt/").content.decode()
    assert "desk" in html


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, desk, settings):
    settings.KISHA_RANKINGS_PROXY_COUNT = 1  # nginx appends the address it saw
    for number in range(5):
        # The attacker varies what it sends in X-Forwarded-For; nginx's entry stays the same.
        forged = f"198.51.100.{number}, 203.0.113.7"
        attempt(
            client,
            "/admin/login/",
            "wrong",
            username=f"guess{number}",
            headers={"x-forwarded-for": forged},
        )
    locked = attempt(client, "/admin/login/", PASSWORD, headers={"x-forwarded-for": "203.0.113.7"})
    assert locked.status_code == 429
    # Another reader behind the same proxy (same REMOTE_ADDR) is not locked out.
    other = attempt(client, "/admin/login/", PASSWORD, headers={"x-forwarded-for": "203.0.113.8"})
    assert logged_in(other)


def test_ipv6_addresses_count_per_64(rf, settings):
    from kisha.core.addresses import client_address

    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    two = rf.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::9")
    assert client_address(one) == client_address(two) == "2001:db8:1:2::"
    assert client_address(rf.get("/", REMOTE_ADDR="")) is None


def test_ipv6_lockouts_are_stored_and_counted_per_64(client, desk):
    for number in range(5):
        attempt(
            client,
            "/admin/login/",
            "wrong",
            username=f"g{number}",
            REMOTE_ADDR=f"2001:db8::{number}",
        )
    locked = attempt(client, "/admin/login/", PASSWORD, REMOTE_ADDR="2001:db8::ffff")
    assert locked.status_code == 429
