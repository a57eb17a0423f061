"""Sending a mailing through Django's SMTP backend to a real SMTP server (aiosmtpd): headers,
both parts, links, one-click unsubscribe, 4xx with back-off, 5xx marking the address, a
connection dropped mid-batch, and what a crashed sender's claim turns into."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from django.utils import timezone

from kisha.newsletter.factories import MailingFactory, SubscriberFactory, SubscriptionFactory
from kisha.newsletter.models import Delivery, Mailing, Subscriber, Subscription
from kisha.newsletter.sending import claims_recover, mailing_send, mailing_start, mailings_due

pytestmark = pytest.mark.django_db


def _subscribers(newsletter, count: int) -> list[Subscriber]:
    subs = []
    for i in range(count):
        sub = SubscriberFactory(email=f"reader{i:03d}@example.jp")
        SubscriptionFactory(subscriber=sub, newsletter=newsletter)
        subs.append(sub)
    return subs


def _send_all(mailing, *, rounds: int = 10) -> None:
    mailing_start(mailing_id=mailing.id)
    for _ in range(rounds):
        report = mailing_send(mailing_id=mailing.id)
        if report.finished:
            return
        Delivery.objects.filter(state="pending").update(next_attempt_at=timezone.now())


def test_digest_mail_headers_parts_and_links(smtp, morning, article, client):
    _subscribers(morning, 3)
    # Pending, unsubscribed and bounced readers get nothing.
    SubscriptionFactory(newsletter=morning, state=Subscription.State.PENDING)
    SubscriptionFactory(newsletter=morning, state=Subscription.State.UNSUBSCRIBED)
    SubscriptionFactory(newsletter=morning, subscriber=SubscriberFactory(status="bounced"))
    mailing = MailingFactory(newsletter=morning, subject="毎朝のニュース\r\nBcc: all@example.jp")
    _send_all(mailing)
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.SENT
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [
        "reader000@example.jp",
        "reader001@example.jp",
        "reader002@example.jp",
    ]
    received = smtp.received[0]
    message = received.message
    assert message["Subject"] == "毎朝のニュース Bcc: all@example.jp"  # CRLF never reached a header
    assert "Bcc" not in message
    assert message["From"] == "週刊キシャ編集部 <news@kisha.example>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<(http://testserver/newsletter/unsubscribe/[^>]+/)>", message["List-Unsubscribe"].strip()
    )
    assert unsubscribe
    assert message["List-Id"].strip() == "morning <morning.testserver>"
    assert (
        message["Message-ID"]
        == f"<kisha.{mailing.id}.{Subscriber.objects.get(email=received.rcpt_tos[0]).id}@testserver>"
    )
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert article.card_title in text and article.card_title in html
    assert unsubscribe.group(1) in text and unsubscribe.group(1) in html  # a visible link too
    assert "/newsletter/manage/" in text and "/newsletter/manage/" in html
    assert "%%KISHA" not in text + html
    assert 'style="' in html and "prefers-color-scheme: dark" in html
    assert article.get_full_url() in html
    # Each reader's links are their own.
    links = {r.message["List-Unsubscribe"] for r in smtp.received}
    assert len(links) == 3

    # RFC 8058 one-click: the mail provider POSTs without cookies or a CSRF token.
    path = unsubscribe.group(1).removeprefix("http://testserver")
    reader = Subscriber.objects.get(email=received.rcpt_tos[0])
    assert client.get(path).status_code == 200
    assert Subscription.objects.get(subscriber=reader).state == "confirmed"
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Subscription.objects.get(subscriber=reader).state == "unsubscribed"
    assert client.post(path).status_code == 200  # again: nothing changes, no error


def test_4xx_is_retried_with_backoff_and_5xx_marks_the_address(smtp, morning, article, settings):
    settings.KISHA_NEWSLETTER_BACKOFF_SECONDS = 60
    subs = _subscribers(morning, 4)
    smtp.handler.rcpt_answers = {
        subs[1].email: ["451 4.7.1 greylisted", "451 4.7.1 greylisted"],
        subs[2].email: ["550 5.1.1 no such user"],
    }
    mailing = MailingFactory(newsletter=morning)
    mailing_start(mailing_id=mailing.id)
    report = mailing_send(mailing_id=mailing.id)
    assert (report.sent, report.deferred, report.bounced) == (2, 1, 1)
    row = Delivery.objects.get(subscriber=subs[1])
    assert row.state == "pending" and row.attempts == 1
    assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    assert row.last_error.startswith("451")
    assert Subscriber.objects.get(id=subs[2].id).status == "bounced"
    assert not report.finished
    # Not before its time; then twice as far apart.
    assert mailing_send(mailing_id=mailing.id).sent == 0
    Delivery.objects.filter(id=row.id).update(next_attempt_at=timezone.now())
    mailing_send(mailing_id=mailing.id)
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at > timezone.now() + dt.timedelta(seconds=110)
    Delivery.objects.filter(id=row.id).update(next_attempt_at=timezone.now())
    assert mailing_send(mailing_id=mailing.id).finished
    delivered = [r.rcpt_tos[0] for r in smtp.received]
    assert sorted(delivered) == sorted([subs[0].email, subs[1].email, subs[3].email])


def test_a_dropped_connection_mid_batch_loses_and_repeats_nothing(smtp, morning, article, settings):
    settings.KISHA_NEWSLETTER_BACKOFF_SECONDS = 0
    subs = _subscribers(morning, 12)
    smtp.handler.drop_after = 5
    mailing = MailingFactory(newsletter=morning)
    _send_all(mailing)
    delivered = [r.rcpt_tos[0] for r in smtp.received]
    assert sorted(delivered) == sorted(s.email for s in subs)
    assert smtp.handler.dropped == 1
    assert Delivery.objects.filter(state="sent").count() == 12
    # The raw UPDATE wrote a time the ORM reads back as an aware datetime.
    row = Delivery.objects.filter(state="sent").first()
    assert row.sent_at is not None and abs((timezone.now() - row.sent_at).total_seconds()) < 120
    assert Delivery.objects.filter(sent_at__lte=timezone.now()).count() == 12


def test_relay_down_gives_rows_back(settings, smtp, morning, article):
    _subscribers(morning, 3)
    mailing = MailingFactory(newsletter=morning)
    mailing_start(mailing_id=mailing.id)
    settings.EMAIL_PORT = 1
    report = mailing_send(mailing_id=mailing.id)
    assert report.sent == 0 and report.errors
    assert set(Delivery.objects.values_list("state", flat=True)) == {"pending"}


def test_a_dead_senders_claim_is_taken_back_and_the_uncertain_row_named(
    smtp, morning, article, settings
):
    subs = _subscribers(morning, 5)
    mailing = MailingFactory(newsletter=morning)
    mailing_start(mailing_id=mailing.id)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    rows = list(Delivery.objects.order_by("id"))
    # A sender marked two rows and died with three claimed: the third may have been accepted.
    Delivery.objects.filter(id__in=[r.id for r in rows[:2]]).update(state="sent")
    Delivery.objects.filter(id__in=[r.id for r in rows[2:]]).update(
        state="claimed", claim="dead", claimed_at=long_ago
    )
    assert claims_recover(mailing_id=mailing.id) == {"released": 2, "uncertain": 1}
    assert Delivery.objects.get(id=rows[2].id).state == "uncertain"
    mailing_send(mailing_id=mailing.id)
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [subs[3].email, subs[4].email]
    assert Mailing.objects.get(id=mailing.id).state == "sent"


def test_resend_uncertain_setting_sends_it_again(smtp, morning, article, settings):
    settings.KISHA_NEWSLETTER_RESEND_UNCERTAIN = True
    _subscribers(morning, 2)
    mailing = MailingFactory(newsletter=morning)
    mailing_start(mailing_id=mailing.id)
    Delivery.objects.update(
        state="claimed", claim="dead", claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert claims_recover(mailing_id=mailing.id) == {"released": 2, "uncertain": 0}
    mailing_send(mailing_id=mailing.id)
    assert len(smtp.received) == 2


def test_a_live_claim_is_left_alone(smtp, morning, article):
    _subscribers(morning, 2)
    mailing = MailingFactory(newsletter=morning)
    mailing_start(mailing_id=mailing.id)
    Delivery.objects.update(state="claimed", claim="alive", claimed_at=timezone.now())
    assert claims_recover(mailing_id=mailing.id) == {"released": 0, "uncertain": 0}
    assert mailing_send(mailing_id=mailing.id).sent == 0


def test_start_is_idempotent_and_scheduled_mailings_start_when_due(smtp, morning, article):
    _subscribers(morning, 3)
    mailing = MailingFactory(
        newsletter=morning, state="scheduled", scheduled_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert mailings_due() == []
    Mailing.objects.filter(id=mailing.id).update(scheduled_at=timezone.now())
    assert mailings_due() == [mailing.id]
    mailing_start(mailing_id=mailing.id)
    mailing_start(mailing_id=mailing.id)
    assert Delivery.objects.count() == 3
    # A subscriber who confirms mid-send is not added to a mailing already frozen.
    SubscriptionFactory(newsletter=morning)
    mailing_start(mailing_id=mailing.id)
    assert Delivery.objects.count() == 3


def test_rate_is_kept(smtp, morning, article, settings):
    import time

    settings.KISHA_NEWSLETTER_RATE = 20
    _subscribers(morning, 10)
    mailing = MailingFactory(newsletter=morning)
    mailing_start(mailing_id=mailing.id)
    started = time.monotonic()
    mailing_send(mailing_id=mailing.id)
    assert time.monotonic() - started >= 9 / 20 - 0.02
    assert len(smtp.received) == 10


@pytest.mark.parametrize(
    "intro, usable",
    [
        ("おはようございます。\n\n今朝のニュースです。", True),
        # A paragraph over 998 bytes is sent quoted-printable: every mail is built one by one.
        ("前書き" * 400, False),
    ],
)
def test_the_template_makes_the_same_mail_as_the_email_package(
    smtp, morning, article, intro, usable
):
    from kisha.newsletter.mail import MessageTemplate, mailing_message

    sub = _subscribers(morning, 1)[0]
    mailing = MailingFactory(newsletter=morning, intro=intro)
    mailing_start(mailing_id=mailing.id)
    mailing = Mailing.objects.select_related("newsletter").get(id=mailing.id)
    template = MessageTemplate(mailing=mailing)
    assert template.usable is usable
    fast = template.render(email=sub.email, subscriber_id=sub.id, key=sub.manage_key)
    slow = mailing_message(
        mailing=mailing, email=sub.email, subscriber_id=sub.id, key=sub.manage_key
    )
    import email as email_lib
    import email.policy

    a = email_lib.message_from_bytes(
        fast.message().as_bytes(linesep="\r\n"), policy=email.policy.default
    )
    b = email_lib.message_from_bytes(
        slow.message().as_bytes(linesep="\r\n"), policy=email.policy.default
    )
    for header in (
        "To",
        "From",
        "Subject",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "List-Id",
        "Message-ID",
    ):
        assert str(a[header]).strip() == str(b[header]).strip(), header
    assert a["Date"]
    for kind in ("plain", "html"):
        assert a.get_body((kind,)).get_content() == b.get_body((kind,)).get_content()
