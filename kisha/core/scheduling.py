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

from .models import PeriodicRun, ScheduleBackoff

logger = logging.getLogger("kisha.scheduler")

WAKE_CHANNEL = "kisha_scheduler_wake"
# A failing publication or expiry waits 2 s, then 4, 8, … up to an hour between tries.
BACKOFF_FIRST = 2.0
BACKOFF_MAX = 3600.0
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


def backoff_delay(failures: int) -> dt.timedelta:
    """How long a publication or expiry that failed `failures` times in a row waits."""
    return dt.timedelta(seconds=min(BACKOFF_FIRST * 2 ** max(failures - 1, 0), BACKOFF_MAX))


def _publish_key(revision_id) -> str:
    return f"{PUBLISH_KEY}:{revision_id}"


def _expire_key(model: type, pk) -> str:
    return f"{EXPIRE_KEY}:{model._meta.label_lower}:{pk}"


def _waiting(now: dt.datetime) -> dict[str, dt.datetime]:
    """{key: retry time} of the failed publications and expiries not to be tried yet."""
    return dict(ScheduleBackoff.objects.filter(retry_at__gt=now).values_list("key", "retry_at"))


def schedule_next_due(*, now: dt.datetime | None = None) -> dt.datetime | None:
    """The earliest pending go-live (of an approved, scheduled revision) or expiry (of a live
    object), or None when nothing is scheduled. One that failed counts from its retry time."""
    now = now or timezone.now()
    waiting = _waiting(now)
    held = [key.rsplit(":", 1)[1] for key in waiting if key.startswith(f"{PUBLISH_KEY}:")]
    times = [
        Revision.objects.filter(approved_go_live_at__isnull=False)
        .exclude(pk__in=held)
        .aggregate(at=Min("approved_go_live_at"))["at"],
        *waiting.values(),
    ]
    for model in scheduled_models():
        prefix = f"{EXPIRE_KEY}:{model._meta.label_lower}:"
        held = [key[len(prefix) :] for key in waiting if key.startswith(prefix)]
        times.append(
            model.objects.filter(live=True, expire_at__isnull=False)
            .exclude(pk__in=held)
            .aggregate(at=Min("expire_at"))["at"]
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
            try:
                with transaction.atomic():
                    PeriodicRun.objects.create(task=key, slot=int(at.timestamp()))
            except IntegrityError:  # another scheduler has it
                raise _NotDue from None
            # An IntegrityError from here on is the action's own: a failure, not a claim.
            if not action():
                raise _NotDue
    except _NotDue:
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


def _failed(key: str, what: str, exc: Exception, now: dt.datetime) -> None:
    """Log a failed publication or expiry and put off its next try (backoff_delay): the first
    failure with its traceback, later ones in a line."""
    with transaction.atomic():
        row = ScheduleBackoff.objects.select_for_update().filter(key=key).first()
        failures = (row.failures if row else 0) + 1
        retry_at = now + backoff_delay(failures)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if row is None:
            ScheduleBackoff.objects.create(
                key=key, failures=failures, retry_at=retry_at, error=error
            )
        else:
            ScheduleBackoff.objects.filter(pk=row.pk).update(
                failures=failures, retry_at=retry_at, error=error
            )
    if failures == 1:
        logger.error("%s failed; next try at %s", what, retry_at, exc_info=exc)
    else:
        logger.error("%s failed %d times (%s); next try at %s", what, failures, error, retry_at)


def schedule_publish_due(*, now: dt.datetime | None = None) -> ScheduleRound:
    """Unpublish what has expired, then publish every revision whose go-live has come, each
    once across all schedulers (Wagtail's order: expiries first). One failing object is logged
    and tried again after a back-off that grows with each failure (ScheduleBackoff); it never
    stops the others."""
    now = now or timezone.now()
    done = ScheduleRound()
    backoffs = dict(ScheduleBackoff.objects.values_list("key", "retry_at"))

    def attempt(key: str, at: dt.datetime, action, what: str) -> bool:
        if key in backoffs and backoffs[key] > now:
            return False
        try:
            did = _claimed(key, at, action)
        except Exception as exc:
            _failed(key, what, exc, now)
            done.failed += 1
            return False
        if key in backoffs:
            ScheduleBackoff.objects.filter(key=key).delete()
        return did

    for model in scheduled_models():
        due = model.objects.filter(live=True, expire_at__lte=now).order_by("expire_at")
        for pk, expire_at in due.values_list("pk", "expire_at"):
            what = f"scheduled expiry of {model._meta.label} {pk}"
            done.expired += attempt(
                _expire_key(model, pk), expire_at, _expire(model, pk, now), what
            )
    due_revisions = Revision.objects.filter(approved_go_live_at__lte=now).order_by(
        "approved_go_live_at", "pk"
    )
    for revision_id, go_live_at in due_revisions.values_list("pk", "approved_go_live_at"):
        what = f"scheduled publication of revision {revision_id}"
        done.published += attempt(
            _publish_key(revision_id), go_live_at, _publish(revision_id, now), what
        )
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
        import psycopg  # here, not at the top: 0.1 s that a SQLite site never needs

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
