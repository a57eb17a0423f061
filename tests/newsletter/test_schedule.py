"""定期配信: a list's mailing made at its JST time, once, and sent through a real SMTP server."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from django.core.exceptions import ValidationError
from django.utils import timezone

from kisha.newsletter.factories import (
    MailingFactory,
    NewsletterListFactory,
    SubscriberFactory,
    SubscriptionFactory,
)
from kisha.newsletter.models import AutoMailing, Mailing, Schedule
from kisha.newsletter.schedule import mailings_plan, slot_latest
from kisha.newsletter.tasks import mailings_tick

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


def jst(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JST)


@pytest.fixture
def daily(db):
    return NewsletterListFactory(
        name="毎朝のニュース",
        slug="auto-morning",
        send_time=dt.time(7, 0),
        auto_mailing=AutoMailing.SEND,
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (jst(2026, 11, 29, 6, 59, 59), jst(2026, 11, 28, 7, 0)),
        (jst(2026, 11, 29, 7, 0, 0), jst(2026, 11, 29, 7, 0)),
        (jst(2026, 11, 29, 23, 59), jst(2026, 11, 29, 7, 0)),
        (jst(2027, 1, 1, 6, 0), jst(2026, 12, 31, 7, 0)),  # over the new year
    ],
)
def test_a_daily_lists_latest_time_in_jst(daily, now, expected):
    assert slot_latest(daily, now=now.astimezone(dt.UTC)) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (jst(2026, 11, 30, 8, 0), jst(2026, 11, 30, 8, 0)),  # a Monday, at the time
        (jst(2026, 11, 30, 7, 59), jst(2026, 11, 23, 8, 0)),  # just before: last week's
        (jst(2026, 12, 6, 12, 0), jst(2026, 11, 30, 8, 0)),  # the Sunday after
    ],
)
def test_a_weekly_lists_latest_time_is_on_its_weekday(db, now, expected):
    weekly = NewsletterListFactory(
        slug="auto-weekly", schedule=Schedule.WEEKLY, weekday=0, send_time=dt.time(8, 0)
    )
    assert slot_latest(weekly, now=now) == expected


def test_no_time_of_its_own_for_alerts_or_a_list_without_a_time(db):
    alerts = NewsletterListFactory(slug="alerts", schedule=Schedule.ALERT, send_time=dt.time(7))
    untimed = NewsletterListFactory(slug="untimed", send_time=None)
    now = jst(2026, 11, 29, 12, 0)
    assert slot_latest(alerts, now=now) is None
    assert slot_latest(untimed, now=now) is None


def test_one_mailing_per_time_however_often_the_tick_runs(daily):
    now = jst(2026, 11, 29, 7, 0, 40)
    (made,) = mailings_plan(now=now)
    mailing = Mailing.objects.get(id=made)
    assert mailing.state == Mailing.State.SCHEDULED
    assert mailing.scheduled_at == jst(2026, 11, 29, 7, 0)
    assert mailing.subject == "毎朝のニュース　11月29日(日)"
    assert mailings_plan(now=now) == []
    assert mailings_plan(now=now + dt.timedelta(hours=2)) == []
    # The next morning brings the next one.
    assert len(mailings_plan(now=now + dt.timedelta(days=1))) == 1
    assert Mailing.objects.filter(newsletter=daily).count() == 2


def test_the_database_refuses_a_second_mailing_for_one_time(daily):
    from django.db import IntegrityError, transaction

    MailingFactory(newsletter=daily, slot=jst(2026, 11, 29, 7, 0))
    with pytest.raises(IntegrityError), transaction.atomic():
        MailingFactory(newsletter=daily, slot=jst(2026, 11, 29, 7, 0))
    # Editors' own mailings have no time: any number of them.
    MailingFactory(newsletter=daily)
    MailingFactory(newsletter=daily)


def test_draft_lists_get_a_draft_and_manual_or_closed_lists_nothing(db):
    draft = NewsletterListFactory(
        slug="drafted", send_time=dt.time(7), auto_mailing=AutoMailing.DRAFT
    )
    NewsletterListFactory(slug="manual", send_time=dt.time(7), auto_mailing=AutoMailing.MANUAL)
    NewsletterListFactory(
        slug="closed", send_time=dt.time(7), auto_mailing=AutoMailing.SEND, active=False
    )
    (made,) = mailings_plan(now=jst(2026, 11, 29, 7, 1))
    mailing = Mailing.objects.get(id=made)
    assert mailing.newsletter == draft
    assert mailing.state == Mailing.State.DRAFT and mailing.scheduled_at is None


def test_a_time_missed_by_hours_is_skipped_not_mailed_late(daily, settings):
    settings.KISHA_NEWSLETTER_AUTO_GRACE_SECONDS = 3 * 3600
    assert mailings_plan(now=jst(2026, 11, 29, 10, 1)) == []
    assert mailings_plan(now=jst(2026, 11, 29, 9, 59)) != []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"schedule": Schedule.ALERT, "send_time": dt.time(7)}, "auto_mailing"),
        ({"send_time": None}, "send_time"),
        ({"schedule": Schedule.WEEKLY, "weekday": None, "send_time": dt.time(7)}, "weekday"),
    ],
)
def test_the_admin_refuses_a_schedule_that_cannot_be_kept(db, fields, field):
    newsletter = NewsletterListFactory.build(
        slug="bad", auto_mailing=AutoMailing.SEND, **{"send_time": dt.time(7), **fields}
    )
    with pytest.raises(ValidationError) as error:
        newsletter.full_clean()
    assert field in error.value.message_dict


def test_the_tick_makes_and_sends_the_morning_digest(smtp, daily, article):
    """The periodic job just after the list's time: the mailing is made from the site and
    delivered to each confirmed reader once."""
    daily.send_time = (timezone.localtime(timezone.now(), JST) - dt.timedelta(minutes=1)).time()
    daily.save()
    for n in range(2):
        SubscriptionFactory(
            subscriber=SubscriberFactory(email=f"morning{n}@example.jp"), newsletter=daily
        )
    mailings_tick.call()
    smtp.wait_for(2)
    mailing = Mailing.objects.get(newsletter=daily)
    assert mailing.state == Mailing.State.SENT
    assert {r.message["To"] for r in smtp.received} == {
        "morning0@example.jp",
        "morning1@example.jp",
    }
    assert article.card_title in smtp.received[0].message.get_body(("html",)).get_content()
    mailings_tick.call()  # a minute later: nothing more
    assert Mailing.objects.filter(newsletter=daily).count() == 1 and len(smtp.received) == 2
