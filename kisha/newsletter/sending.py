"""Sending a mailing: a Delivery row per (mailing, subscriber), claimed in batches before
sending and marked one by one after, through Django's mail backend (SMTP in production).

Exactly what survives a crash (docs/newsletter.md, "Crashes"): a sender works through its claim
in id order and marks each row right after the relay accepts the mail, so when it dies, every
row of its claim is either marked or untouched, except at most the lowest unmarked one: that
mail may have been accepted in the instant between the relay's "250" and the UPDATE. When the
claim's lease has passed, the next run gives the untouched rows back (they are sent) and marks
that one row UNCERTAIN (not sent again: at most once), or with
KISHA_NEWSLETTER_RESEND_UNCERTAIN sends it again (at least once). A live sender stops using its
claim before the lease ends, so no row is ever worked on by two senders.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
import threading
import time
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from .addresses import header_safe
from .conf import conf
from .digest import mailing_compose
from .mail import MessageTemplate, mailing_message
from .models import Delivery, Mailing, Subscriber
from .selectors import recipients

logger = logging.getLogger("kisha.newsletter")
S = Delivery.State
INSERT_CHUNK = 2000


class MailingStateError(Exception):
    """The mailing cannot do that in its state; the message is Japanese, for the admin."""


def mailing_start(*, mailing_id: int) -> Mailing:
    """Freeze the digest and create one Delivery per recipient, once: a second call (a second
    worker, a restart) finds the mailing already sending and changes nothing."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().get(id=mailing_id)
        if mailing.state in (Mailing.State.SENDING, Mailing.State.SENT):
            return mailing
        if mailing.state == Mailing.State.CANCELED:
            raise MailingStateError("中止した配信は送信できません。")
        composed = mailing_compose(mailing=mailing)
        mailing.body_html, mailing.body_text = composed.html, composed.text
        mailing.state = Mailing.State.SENDING
        mailing.started_at = timezone.now()
        mailing.save(update_fields=["body_html", "body_text", "state", "started_at"])
        ids = recipients(newsletter=mailing.newsletter).order_by("id").values_list("id", flat=True)
        batch: list[Delivery] = []
        for subscriber_id in ids.iterator(chunk_size=INSERT_CHUNK):
            batch.append(Delivery(mailing_id=mailing.id, subscriber_id=subscriber_id))
            if len(batch) >= INSERT_CHUNK:
                Delivery.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        if batch:
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
    return mailing


def claims_recover(*, mailing_id: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Take back the claims of senders that died (claimed longer ago than the lease)."""
    now = now or timezone.now()
    lease = dt.timedelta(seconds=int(conf("KISHA_NEWSLETTER_LEASE_SECONDS")))
    resend = bool(conf("KISHA_NEWSLETTER_RESEND_UNCERTAIN"))
    released = uncertain = 0
    stale = set(
        Delivery.objects.filter(mailing_id=mailing_id, state=S.CLAIMED, claimed_at__lt=now - lease)
        .values_list("claim", flat=True)
        .distinct()
    )
    for claim in stale:
        with transaction.atomic():
            # Locked, so two runs recovering at once agree: the second finds nothing claimed.
            ids = list(
                Delivery.objects.select_for_update()
                .filter(mailing_id=mailing_id, claim=claim, state=S.CLAIMED)
                .order_by("id")
                .values_list("id", flat=True)
            )
            if not ids:
                continue
            if not resend:
                # The lowest unmarked row is the one the sender may have been sending.
                uncertain += Delivery.objects.filter(id=ids[0]).update(
                    state=S.UNCERTAIN, claim="", last_error="送信中に停止（受理されたか不明）"
                )
                ids = ids[1:]
            released += Delivery.objects.filter(id__in=ids).update(
                state=S.PENDING, claim="", claimed_at=None
            )
    if released or uncertain:
        logger.warning(
            "newsletter: mailing %s: took back %s rows of dead senders, %s uncertain",
            mailing_id,
            released,
            uncertain,
        )
    return {"released": released, "uncertain": uncertain}


def _claim(
    *, mailing_id: int, size: int
) -> tuple[str, dt.datetime, list[tuple[int, int, str, str]]]:
    token = secrets.token_hex(8)
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(mailing_id=mailing_id, state=S.PENDING, next_attempt_at__lte=now)
            .order_by("id")
            .values_list("id", flat=True)[:size]
        )
        if ids:
            Delivery.objects.filter(id__in=ids, state=S.PENDING).update(
                state=S.CLAIMED, claim=token, claimed_at=now
            )
    rows = list(
        Delivery.objects.filter(claim=token, state=S.CLAIMED)
        .order_by("id")
        .values_list("id", "subscriber_id", "subscriber__email", "subscriber__manage_key")
    )
    return token, now, rows


@dataclass
class RunReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    bounced: int = 0
    finished: bool = False
    errors: list[str] = field(default_factory=list)


def _code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return codes[0] if codes else None
    return getattr(exc, "smtp_code", None)


def _error_text(exc: Exception) -> str:
    code = _code(exc)
    return header_safe(f"{code or ''} {type(exc).__name__}".strip(), limit=200)


@dataclass
class _Run:
    """What the senders of one run share: settings, the template, the rate and the report."""

    mailing: Mailing
    template: MessageTemplate
    started: float
    budget: float
    lease: float
    rate: float
    size: int
    backoff: float
    max_attempts: int
    report: RunReport
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_slot: float = 0.0

    def wait_for_slot(self) -> None:
        if self.rate <= 0:
            return
        with self.lock:
            now = time.monotonic()
            slot = max(self.next_slot, now)
            self.next_slot = slot + 1.0 / self.rate
        if slot > now:
            time.sleep(slot - now)

    def count(self, what: str) -> None:
        with self.lock:
            setattr(self.report, what, getattr(self.report, what) + 1)


def mailing_send(*, mailing_id: int, seconds: float | None = None) -> RunReport:
    """Send what is due of one mailing for at most `seconds` (KISHA_NEWSLETTER_RUN_SECONDS),
    over KISHA_NEWSLETTER_CONNECTIONS SMTP connections at once (one thread and one claim
    each). Safe to run in several workers at once: each works on its own claims."""
    report = RunReport()
    mailing = Mailing.objects.select_related("newsletter").get(id=mailing_id)
    if mailing.state != Mailing.State.SENDING:
        report.finished = mailing.state == Mailing.State.SENT
        return report
    claims_recover(mailing_id=mailing_id)
    run = _Run(
        mailing=mailing,
        template=MessageTemplate(mailing=mailing),
        started=time.monotonic(),
        budget=float(seconds if seconds is not None else conf("KISHA_NEWSLETTER_RUN_SECONDS")),
        lease=float(conf("KISHA_NEWSLETTER_LEASE_SECONDS")),
        rate=float(conf("KISHA_NEWSLETTER_RATE")),
        size=int(conf("KISHA_NEWSLETTER_BATCH")),
        backoff=float(conf("KISHA_NEWSLETTER_BACKOFF_SECONDS")),
        max_attempts=int(conf("KISHA_NEWSLETTER_MAX_ATTEMPTS")),
        report=report,
    )
    connections = max(1, int(conf("KISHA_NEWSLETTER_CONNECTIONS")))
    if connections == 1:
        _sender(run)
    else:
        threads = [threading.Thread(target=_thread_sender, args=(run,)) for _ in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return _finish(report, mailing_id)


def _thread_sender(run: _Run) -> None:
    try:
        _sender(run)
    except Exception:
        logger.exception("newsletter: a sending thread failed")
    finally:
        db_connection.close()  # each thread has its own database connection


def _release(rows, index: int, token: str) -> None:
    Delivery.objects.filter(
        id__in=[r[0] for r in rows[index:]], claim=token, state=S.CLAIMED
    ).update(state=S.PENDING, claim="", claimed_at=None)


def _sender(run: _Run) -> None:
    """One SMTP connection working through claims until nothing is due or time is up."""
    mailing_id = run.mailing.id
    smtp = get_connection()
    try:
        while time.monotonic() - run.started < run.budget:
            token, _, rows = _claim(mailing_id=mailing_id, size=run.size)
            if not rows:
                return
            # Stop using the claim at half the lease: a slow relay can never make a live
            # sender's rows look dead to another worker.
            claim_ends = time.monotonic() + run.lease / 2
            for index, (delivery_id, subscriber_id, email, key) in enumerate(rows):
                now = time.monotonic()
                if now >= claim_ends or now - run.started >= run.budget:
                    _release(rows, index, token)
                    break
                run.wait_for_slot()
                if smtp.connection is None:
                    try:
                        smtp.open()
                    except Exception as exc:
                        # The relay is unreachable: give the rows back untouched and stop;
                        # the next tick tries again.
                        _release(rows, index, token)
                        with run.lock:
                            run.report.errors.append(_error_text(exc))
                        logger.warning("newsletter: SMTP unreachable: %s", _error_text(exc))
                        return
                message = run.template.render(email=email, subscriber_id=subscriber_id, key=key)
                try:
                    smtp.send_messages([message])
                except Exception as exc:  # classified below; nothing escapes half-marked
                    _mark_failure(
                        delivery_id=delivery_id,
                        subscriber_id=subscriber_id,
                        exc=exc,
                        run=run,
                    )
                    if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                        # The conversation may be broken (a dropped connection, a 4xx on
                        # DATA): start a fresh one for the next mail.
                        _smtp_reset(smtp)
                    continue
                _mark_sent(delivery_id)
                run.count("sent")
    finally:
        _smtp_reset(smtp)


def _mark_sent(delivery_id: int) -> None:
    """The one write per mail, committed at once (autocommit): plain SQL, because the ORM's
    UPDATE costs more Python than the rest of a mail's bookkeeping."""
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Delivery._meta.db_table} SET state = %s, sent_at = %s, claim = '', "  # noqa: S608
            "attempts = attempts + 1 WHERE id = %s",
            [
                S.SENT.value,
                db_connection.ops.adapt_datetimefield_value(timezone.now()),
                delivery_id,
            ],
        )


def _finish(report: RunReport, mailing_id: int) -> RunReport:
    report.finished = mailing_finish_if_done(mailing_id=mailing_id)
    return report


def _smtp_reset(smtp) -> None:
    try:
        smtp.close()
    except Exception:  # closing a broken conversation may fail again; it is gone either way
        logger.debug("newsletter: SMTP close failed", exc_info=True)
    smtp.connection = None


def _mark_failure(*, delivery_id: int, subscriber_id: int, exc: Exception, run: _Run) -> None:
    code = _code(exc)
    error = _error_text(exc)
    now = timezone.now()
    if (
        code is not None
        and 500 <= code < 600
        and isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError)
    ):
        # The relay says the address will never take mail: stop sending to it at all.
        Delivery.objects.filter(id=delivery_id).update(
            state=S.BOUNCED, claim="", last_error=error, attempts=1
        )
        Subscriber.objects.filter(id=subscriber_id).update(
            status=Subscriber.Status.BOUNCED, bounced_at=now, bounce_reason=error
        )
        run.count("bounced")
        return
    delivery = Delivery.objects.only("attempts").get(id=delivery_id)
    attempts = delivery.attempts + 1
    if (code is not None and code >= 500) or attempts >= run.max_attempts:
        Delivery.objects.filter(id=delivery_id).update(
            state=S.FAILED, claim="", last_error=error, attempts=attempts
        )
        run.count("failed")
        return
    # 4xx, a dropped connection, a timeout: try again later, further apart each time.
    wait = run.backoff * (2 ** (attempts - 1))
    Delivery.objects.filter(id=delivery_id).update(
        state=S.PENDING,
        claim="",
        claimed_at=None,
        attempts=attempts,
        last_error=error,
        next_attempt_at=now + dt.timedelta(seconds=wait),
    )
    run.count("deferred")


def mailing_finish_if_done(*, mailing_id: int) -> bool:
    """Mark the mailing sent when no row is left to send (pending later or claimed)."""
    open_rows = Delivery.objects.filter(
        mailing_id=mailing_id, state__in=[S.PENDING, S.CLAIMED]
    ).exists()
    if open_rows:
        return False
    Mailing.objects.filter(id=mailing_id, state=Mailing.State.SENDING).update(
        state=Mailing.State.SENT, finished_at=timezone.now()
    )
    return True


def mailings_due(*, now: dt.datetime | None = None) -> list[int]:
    """Start the scheduled mailings whose time has come; every mailing now sending."""
    now = now or timezone.now()
    for mailing_id in Mailing.objects.filter(
        state=Mailing.State.SCHEDULED, scheduled_at__lte=now
    ).values_list("id", flat=True):
        try:
            mailing_start(mailing_id=mailing_id)
        except Exception:
            logger.exception("newsletter: mailing %s could not start", mailing_id)
    return list(
        Mailing.objects.filter(state=Mailing.State.SENDING)
        .order_by("id")
        .values_list("id", flat=True)
    )


def mailing_test_send(*, mailing: Mailing, email: str) -> None:
    """Send the digest as it would be composed now to one address (the editor's own), with
    links that name no subscriber. Raises on SMTP failure, for the admin to show."""
    composed = mailing_compose(mailing=mailing)
    preview = Mailing(
        id=mailing.id,
        newsletter=mailing.newsletter,
        subject=f"[テスト] {mailing.subject}",
        body_html=composed.html,
        body_text=composed.text,
    )
    message = mailing_message(mailing=preview, email=email, subscriber_id=0, key="test")
    message.send()


def mailing_schedule(*, mailing: Mailing, when: dt.datetime) -> None:
    if mailing.state not in (Mailing.State.DRAFT, Mailing.State.SCHEDULED):
        raise MailingStateError("配信を始めた後は予約を変更できません。")
    Mailing.objects.filter(id=mailing.id).update(state=Mailing.State.SCHEDULED, scheduled_at=when)


def mailing_cancel(*, mailing: Mailing) -> None:
    """Cancel a draft or scheduled mailing; a sending one stops after the rows in hand."""
    if mailing.state == Mailing.State.SENT:
        raise MailingStateError("配信済みの配信は中止できません。")
    with transaction.atomic():
        Mailing.objects.filter(id=mailing.id).update(state=Mailing.State.CANCELED)
        Delivery.objects.filter(mailing=mailing, state=S.PENDING).update(state=S.SKIPPED)
