"""Sign-up, confirmation, preferences and unsubscribe as a reader meets them, with a real SMTP
server receiving the confirmation mails; and the hostile inputs."""

from __future__ import annotations

import re

import pytest

from kisha.newsletter.models import Subscriber, Subscription

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletter/subscribe/"


def _link(text: str, kind: str) -> str:
    match = re.search(rf"http://testserver(/newsletter/{kind}/[^/\s]+/)", text)
    assert match, text
    return match.group(1)


def _confirm_mail(smtp) -> str:
    return smtp.received[-1].message.get_body(("plain",)).get_content()


def test_signup_confirm_and_unsubscribe(client, smtp, morning, weekly):
    response = client.post(
        SUBSCRIBE, {"email": "Hanako@Example.JP", "lists": [morning.id, weekly.id]}
    )
    assert response.status_code == 303 and response["Location"] == "/newsletter/sent/"
    assert len(smtp.received) == 1
    mail = smtp.received[0].message
    assert mail["To"] == "Hanako@example.jp"
    assert "登録の確認" in mail["Subject"]
    sub = Subscriber.objects.get()
    assert set(Subscription.objects.values_list("state", flat=True)) == {"pending"}

    confirm = _link(_confirm_mail(smtp), "confirm")
    # A scanner's GET changes nothing.
    page = client.get(confirm)
    assert page.status_code == 200 and "登録を確定する" in page.content.decode()
    assert "no-store" in page["Cache-Control"] and page["Referrer-Policy"] == "no-referrer"
    assert set(Subscription.objects.values_list("state", flat=True)) == {"pending"}
    done = client.post(confirm)
    assert "登録が完了しました" in done.content.decode()
    assert set(Subscription.objects.values_list("state", flat=True)) == {"confirmed"}
    # Single use.
    again = client.post(confirm)
    assert again.status_code == 400 and "使えません" in again.content.decode()

    manage = re.search(r'href="(/newsletter/manage/[^"]+)"', done.content.decode()).group(1)
    page = client.get(manage)
    assert "Hanako@example.jp" in page.content.decode()
    client.post(manage, {"lists": [weekly.id]})
    states = dict(Subscription.objects.values_list("newsletter__slug", "state"))
    assert states == {"morning": "unsubscribed", "weekly": "confirmed"}
    sub.refresh_from_db()
    assert sub.confirmed_at is not None


def test_same_answer_for_every_state_and_one_mail_per_window(client, smtp, morning):
    answers = []
    for _ in range(3):
        response = client.post(SUBSCRIBE, {"email": "taro@example.jp"})
        answers.append((response.status_code, response["Location"]))
    assert len(set(answers)) == 1
    assert len(smtp.received) == 1  # one confirmation mail per window
    Subscription.objects.update(state="confirmed")
    response = client.post(SUBSCRIBE, {"email": "taro@example.jp"})
    assert (response.status_code, response["Location"]) == answers[0]
    Subscription.objects.update(state="unsubscribed")
    response = client.post(SUBSCRIBE, {"email": "taro@example.jp"})
    assert (response.status_code, response["Location"]) == answers[0]
    Subscriber.objects.update(status="bounced")
    response = client.post(SUBSCRIBE, {"email": "taro@example.jp"})
    assert (response.status_code, response["Location"]) == answers[0]
    assert len(smtp.received) == 1


def test_smtp_down_gives_the_same_answer(client, settings, morning, smtp):
    settings.EMAIL_PORT = 1  # nothing listens there
    response = client.post(SUBSCRIBE, {"email": "jiro@example.jp"})
    assert response.status_code == 303 and response["Location"] == "/newsletter/sent/"


def test_sidebar_signup_subscribes_to_the_sidebar_lists(client, smtp, morning, weekly):
    client.post(SUBSCRIBE, {"email": "saburo@example.jp"})
    assert list(Subscription.objects.values_list("newsletter__slug", flat=True)) == ["morning"]


def test_honeypot_sends_nothing(client, smtp, morning):
    response = client.post(SUBSCRIBE, {"email": "bot@example.jp", "website": "http://spam"})
    assert response.status_code == 303
    assert not Subscriber.objects.exists() and not smtp.received


@pytest.mark.parametrize(
    "email",
    [
        "",
        "not-an-address",
        "a@b",
        "x" * 5000 + "@example.jp",
        "victim@example.jp\r\nBcc: everyone@example.jp",
        "victim@example.jp\nSubject: hi",
        "a@" + "a." * 3000 + "jp",
        "\x00@example.jp",
        "<script>@example.jp",
    ],
)
def test_bad_addresses_are_refused_in_japanese(client, smtp, morning, email):
    response = client.post(SUBSCRIBE, {"email": email})
    assert response.status_code == 400
    assert "メールアドレス" in response.content.decode()
    assert not Subscriber.objects.exists() and not smtp.received


def test_hostile_list_ids_and_fields(client, smtp, morning):
    for data in (
        {"email": "a@example.jp", "lists": ["x"]},
        {"email": "a@example.jp", "lists": ["99999"]},
    ):
        response = client.post(SUBSCRIBE, data)
        assert response.status_code == 400
    response = client.post(SUBSCRIBE, {"email": ["a@example.jp", "b@example.jp"]})
    assert response.status_code in (303, 400)
    assert client.get(SUBSCRIBE).status_code == 405
    assert (
        client.post(SUBSCRIBE, b"\xff\xfe", content_type="application/octet-stream").status_code
        == 400
    )


def test_cross_site_posts_are_refused(client, smtp, morning):
    response = client.post(
        SUBSCRIBE, {"email": "a@example.jp"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    response = client.post(
        SUBSCRIBE, {"email": "a@example.jp"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    response = client.post(
        SUBSCRIBE,
        {"email": "a@example.jp"},
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 303
    assert not smtp.received or len(smtp.received) == 1


def test_rate_limit_per_address(client, smtp, settings, morning):
    settings.KISHA_NEWSLETTER_SIGNUP_LIMIT = 3
    codes = [client.post(SUBSCRIBE, {"email": f"r{i}@example.jp"}).status_code for i in range(5)]
    assert codes == [303, 303, 303, 429, 429]


@pytest.mark.parametrize("kind", ["confirm", "manage", "unsubscribe"])
@pytest.mark.parametrize("token", ["x", "a" * 390, "1.0.abc:forged", "%00", "..", "eyJ9:1abc:def"])
def test_forged_tokens_are_refused(client, kind, token):
    for method in (client.get, client.post):
        response = method(f"/newsletter/{kind}/{token}/")
        assert response.status_code in (400, 404)
    assert client.get(f"/newsletter/{kind}/" + "a" * 1000 + "/").status_code in (400, 404, 414)


def test_pages_are_cacheable_and_carry_no_csrf_token(client, morning, home):
    for url in ("/newsletter/", "/newsletter/sent/", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "public" in response["Cache-Control"], url
        assert "csrfmiddlewaretoken" not in response.content.decode()
    home_html = client.get("/").content.decode()
    assert "メールマガジンのご登録はこちらから。" in home_html
    assert 'action="/newsletter/subscribe/"' in home_html


def test_preferences_refuse_bad_input_and_revoked_links(client, morning, weekly):
    from kisha.newsletter.factories import SubscriptionFactory
    from kisha.newsletter.tokens import manage_token_make

    sub = SubscriptionFactory(newsletter=morning).subscriber
    url = f"/newsletter/manage/{manage_token_make(subscriber_id=sub.id, key=sub.manage_key)}/"
    for lists in (["abc"], ["99999"], ["1" * 5000]):
        response = client.post(url, {"lists": lists})
        assert response.status_code == 400
    assert Subscription.objects.get(subscriber=sub).state == "confirmed"
    response = client.post(url, {})  # nothing ticked: every list off
    assert response.status_code == 200 and "保存しました" in response.content.decode()
    assert Subscription.objects.get(subscriber=sub).state == "unsubscribed"
    # Another reader's id with this key, and a rotated key, are refused.
    other = SubscriptionFactory(newsletter=morning).subscriber
    forged = f"/newsletter/manage/{manage_token_make(subscriber_id=other.id, key=sub.manage_key)}/"
    assert client.get(forged).status_code == 400
    Subscriber.objects.filter(id=sub.id).update(manage_key="rotated")
    assert client.get(url).status_code == 400


def test_expired_confirmation_link(client, smtp, settings, morning):
    client.post(SUBSCRIBE, {"email": "late@example.jp"})
    confirm = _link(_confirm_mail(smtp), "confirm")
    settings.KISHA_NEWSLETTER_CONFIRM_MAX_AGE = -1
    response = client.post(confirm)
    assert response.status_code == 400 and "有効期限が切れています" in response.content.decode()
    assert Subscription.objects.get().state == "pending"


def test_the_block_follows_the_lists_on_the_next_request(client, home):
    from kisha.newsletter.factories import NewsletterListFactory

    assert "nl-block" not in client.get("/").content.decode()
    newsletter = NewsletterListFactory(slug="morning", in_sidebar=True)
    assert "nl-block" in client.get("/").content.decode()
    newsletter.active = False
    newsletter.save()
    assert "nl-block" not in client.get("/").content.decode()
