"""Scheduled publishing to the second: when the next scheduled publication or expiry is due, the
due ones published or unpublished exactly once however many schedulers run, and a wake channel
that tells a sleeping scheduler a schedule has changed.

`kisha_scheduler` sleeps until `schedule_next_due()` (or the next periodic slot), then calls
`schedule_publish_due()`. Each publication is claimed with a `core.PeriodicRun` row keyed by the
revision and its go-live second, inserted in the same transaction as Wagtail's own
`revision.publish()` (or `unpublish(set_expired=True)` for an expiry): a second scheduler's
insert waits for the first transaction and then fails on the unique constraint, so a page is
published once, with one log entry, and every signal (purges, search index, recommendations)
runs as it does for an editor's publish.

The wake channel is PostgreSQL's LISTEN/NOTIFY: a save that sets a go-live or an expiry sends
`pg_notify` inside its own transaction, so the scheduler wakes exactly when the change is
visible (never before its commit, never for a rolled-back save). On SQLite (one machine, the
embedded default) there is no channel and the scheduler looks every
KISHA_SCHEDULER_POLL_SECONDS; the same poll is the fallback when the listening connection
fails, so a broken channel costs at most that much lateness, never a missed schedule.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import select
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Min
from django.utils import timezone

from wagtail.models import DraftStateMixin, Page, Revision

from .models import PeriodicRun

logger = logging.getLogger("kisha.scheduler")

WAKE_CHANNEL = "kisha_scheduler_wake"
PUBLISH_KEY = "kisha.schedule.publish"
EXPIRE_KEY = "kisha.schedule.expire"


def scheduled_models() -> list[type]:
    """Page and every other model with Wagtail's draft state (snippets can be scheduled too),
    the same set as Wagtail's `publish_scheduled` command."""
    models: list[type] = [Page]
    models += [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]
    return models


def schedule_next_due() -> dt.datetime | None:
    """The earliest pending go-live (of an approved, scheduled revision) or expiry (of a live
    object), or None when nothing is scheduled."""
    times = [
        Revision.objects.filter(approved_go_live_at__isnull=False).aggregate(
            at=Min("approved_go_live_at")
        )["at"]
    ]
    for model in scheduled_models():
        times.append(
            model.objects.filter(live=True, expire_at__isnull=False).aggregate(at=Min("expire_at"))[
                "at"
            ]
        )
    return min((at for at in times if at is not None), default=None)


@dataclass
class ScheduleRound:
    published: int = 0
    expired: int = 0
    failed: int = 0


class _NotDue(Exception):
    """The claimed object changed before its claim: roll the claim back."""


def _claimed(key: str, at: dt.datetime, action: Callable[[], bool]) -> bool:
    """Run `action` under the claim (key, second of `at`); True when this caller did it."""
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(task=key, slot=int(at.timestamp()))
            if not action():
                raise _NotDue
    except (IntegrityError, _NotDue):
        return False
    return True


def _publish(revision_id: int, now: dt.datetime) -> Callable[[], bool]:
    def action() -> bool:
        # Read again under the claim: the editor may have cancelled or moved the schedule.
        revision = Revision.objects.filter(pk=revision_id).first()
        if revision is None or not revision.approved_go_live_at:
            return False
        if revision.approved_go_live_at > now:
            return False
        revision.publish(log_action="wagtail.publish.scheduled")
        return True

    return action


def _expire(model: type, pk, now: dt.datetime) -> Callable[[], bool]:
    def action() -> bool:
        obj = model.objects.filter(pk=pk, live=True, expire_at__lte=now).first()
        if obj is None:
            return False
        if isinstance(obj, Page):
            obj = obj.specific
        obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
        return True

    return action


def schedule_publish_due(*, now: dt.datetime | None = None) -> ScheduleRound:
    """Unpublish what has expired, then publish every revision whose go-live has come, each
    once across all schedulers (Wagtail's order: expiries first). One failing object is logged
    and retried on the next round; it never stops the others."""
    now = now or timezone.now()
    done = ScheduleRound()
    for model in scheduled_models():
        due = model.objects.filter(live=True, expire_at__lte=now).order_by("expire_at")
        for pk, expire_at in due.values_list("pk", "expire_at"):
            key = f"{EXPIRE_KEY}:{model._meta.label_lower}:{pk}"
            try:
                done.expired += _claimed(key, expire_at, _expire(model, pk, now))
            except Exception:
                logger.exception("scheduled expiry of %s %s failed", model._meta.label, pk)
                done.failed += 1
    due_revisions = Revision.objects.filter(approved_go_live_at__lte=now).order_by(
        "approved_go_live_at", "pk"
    )
    for revision_id, go_live_at in due_revisions.values_list("pk", "approved_go_live_at"):
        try:
            done.published += _claimed(
                f"{PUBLISH_KEY}:{revision_id}", go_live_at, _publish(revision_id, now)
            )
        except Exception:
            logger.exception("scheduled publication of revision %s failed", revision_id)
            done.failed += 1
    return done


# The wake channel


def schedule_changed() -> None:
    """Tell sleeping schedulers that a go-live or an expiry was set, when this transaction
    commits (PostgreSQL delivers a NOTIFY only then). Nothing to do on SQLite: it polls."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, '')", [WAKE_CHANNEL])


class Waiter:
    """Sleep until a deadline or until a schedule changes. On PostgreSQL, a connection of its
    own LISTENs on the wake channel; if it cannot connect or breaks, the waiter sleeps at most
    KISHA_SCHEDULER_POLL_SECONDS and tries to listen again after KISHA_SCHEDULER_RETRY_SECONDS."""

    def __init__(self) -> None:
        self.poll = settings.KISHA_SCHEDULER_POLL_SECONDS
        self.recheck = settings.KISHA_SCHEDULER_RECHECK_SECONDS
        self.retry = settings.KISHA_SCHEDULER_RETRY_SECONDS
        self._conn = None
        self._next_try = 0.0
        self.enabled = connection.vendor == "postgresql"

    @property
    def listening(self) -> bool:
        return self._conn is not None

    def _listen(self, monotonic_now: float) -> None:
        if not self.enabled or self._conn is not None or monotonic_now < self._next_try:
            return
        import psycopg

        db = connection.settings_dict
        params = {
            "dbname": db["NAME"],
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
        }
        try:
            conn = psycopg.connect(
                **{k: v for k, v in params.items() if v}, autocommit=True, connect_timeout=5
            )
            conn.execute(f"LISTEN {WAKE_CHANNEL}")
        except Exception as exc:
            logger.warning("scheduler: cannot listen for schedule changes (%r); polling", exc)
            self._next_try = monotonic_now + self.retry
            return
        self._conn = conn
        logger.info("scheduler: listening for schedule changes")

    def _drop(self, exc: Exception, monotonic_now: float) -> None:
        logger.warning("scheduler: lost the wake channel (%r); polling", exc)
        with contextlib.suppress(Exception):  # it is broken already
            self._conn.close()
        self._conn = None
        self._next_try = monotonic_now + self.retry

    def longest(self) -> float:
        """How long the scheduler may sleep without looking at the database."""
        return self.recheck if self.listening else self.poll

    def wait(self, seconds: float, monotonic_now: float) -> bool:
        """Sleep up to `seconds`; True when woken by a schedule change."""
        self._listen(monotonic_now)
        if self._conn is None:
            if seconds > 0:
                select.select([], [], [], seconds)
            return False
        try:
            woken = False
            for _notify in self._conn.notifies(timeout=max(seconds, 0.0), stop_after=1):
                woken = True
            return woken
        except Exception as exc:
            self._drop(exc, monotonic_now)
            return False

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
