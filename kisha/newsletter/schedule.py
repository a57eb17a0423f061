"""定期配信: a daily or weekly list's mailing, made from the site at the list's time.

The periodic tick (tasks.mailings_tick, every minute through kisha_scheduler) asks which of
the lists set to 定期配信 have reached a scheduled time (JST) they have no mailing for, and makes
one: scheduled to send at once (自動配信) or a draft for an editor to look at (下書きを作成).
A mailing remembers its time (`Mailing.slot`, unique per list), so a tick that runs twice or a
second scheduler makes nothing more; a time missed by more than
KISHA_NEWSLETTER_AUTO_GRACE_SECONDS (the scheduler was down all morning) is skipped rather than
mailed hours late — the next one comes as usual.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from kisha.core.text import JST, WEEKDAYS

from .conf import conf
from .models import AutoMailing, Mailing, NewsletterList, Schedule

logger = logging.getLogger("kisha.newsletter")


def slot_latest(newsletter: NewsletterList, *, now: dt.datetime) -> dt.datetime | None:
    """The list's latest scheduled time at or before `now` (aware, JST), or None when it has
    no schedule of its own (速報, or no time; weekly without a weekday)."""
    if newsletter.schedule == Schedule.ALERT or newsletter.send_time is None:
        return None
    local = timezone.localtime(now, JST)
    at = newsletter.send_time
    slot = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if newsletter.schedule == Schedule.DAILY:
        return slot if slot <= local else slot - dt.timedelta(days=1)
    if newsletter.weekday is None:
        return None
    slot -= dt.timedelta(days=(local.weekday() - newsletter.weekday) % 7)
    return slot if slot <= local else slot - dt.timedelta(days=7)


def slot_subject(newsletter: NewsletterList, slot: dt.datetime) -> str:
    local = timezone.localtime(slot, JST)
    return f"{newsletter.name}　{local.month}月{local.day}日({WEEKDAYS[local.weekday()]})"


def mailings_plan(*, now: dt.datetime | None = None) -> list[int]:
    """Make the mailings that are due; the ids of those made."""
    now = now or timezone.now()
    grace = dt.timedelta(seconds=int(conf("KISHA_NEWSLETTER_AUTO_GRACE_SECONDS")))
    made = []
    lists = NewsletterList.objects.filter(active=True).exclude(auto_mailing=AutoMailing.MANUAL)
    for newsletter in lists:
        slot = slot_latest(newsletter, now=now)
        if slot is None or now - slot > grace:
            continue
        if Mailing.objects.filter(newsletter=newsletter, slot=slot).exists():
            continue
        send = newsletter.auto_mailing == AutoMailing.SEND
        try:
            with transaction.atomic():
                mailing = Mailing.objects.create(
                    newsletter=newsletter,
                    slot=slot,
                    subject=slot_subject(newsletter, slot),
                    state=Mailing.State.SCHEDULED if send else Mailing.State.DRAFT,
                    scheduled_at=slot if send else None,
                )
        except IntegrityError:  # another tick made it meanwhile
            continue
        logger.info("newsletter: %s mailing %s for %s", newsletter.slug, mailing.id, slot)
        made.append(mailing.id)
    return made
