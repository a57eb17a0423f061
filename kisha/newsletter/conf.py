"""The app's settings, each with a default, read from django.conf.settings when asked
(the pattern of kisha/rankings/conf.py). settings.py sets the ones operators change from the
environment; tests override them with pytest-django's `settings` fixture."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Mails handed to SMTP per second by one sending run (0: as fast as the relay takes them).
    "KISHA_NEWSLETTER_RATE": 0.0,
    # SMTP connections one sending run keeps open at once, each in a thread of its own with its
    # own claims: the round trips of one overlap the composing of another.
    "KISHA_NEWSLETTER_CONNECTIONS": 1,
    # Deliveries claimed per database round trip.
    "KISHA_NEWSLETTER_BATCH": 100,
    # A claim older than this is a crashed sender's: its rows are taken back. A live sender
    # stops using its claim well before (see sending.py), so no row is ever claimed twice.
    "KISHA_NEWSLETTER_LEASE_SECONDS": 300,
    # How long one sending run goes on before it returns (the periodic tick starts the next).
    "KISHA_NEWSLETTER_RUN_SECONDS": 50,
    # 4xx answers: tried again after BACKOFF, 2×BACKOFF, 4×… seconds, at most MAX_ATTEMPTS times.
    "KISHA_NEWSLETTER_BACKOFF_SECONDS": 60,
    "KISHA_NEWSLETTER_MAX_ATTEMPTS": 5,
    # A delivery whose mail may have been accepted just before a crash (see docs/newsletter.md):
    # False leaves it unsent (at most once), True sends it again (at least once).
    "KISHA_NEWSLETTER_RESEND_UNCERTAIN": False,
    # Confirmation links expire after this many seconds; at most one confirmation mail per
    # address per CONFIRM_WINDOW seconds.
    "KISHA_NEWSLETTER_CONFIRM_MAX_AGE": 3 * 24 * 3600,
    "KISHA_NEWSLETTER_CONFIRM_WINDOW": 15 * 60,
    # Sign-up posts per client address (an IPv6 /64) per hour, shared by every worker.
    "KISHA_NEWSLETTER_SIGNUP_LIMIT": 10,
    "KISHA_NEWSLETTER_SIGNUP_WINDOW": 3600,
    # Sender of confirmation mails (a list's own sender is used for its digests).
    "KISHA_NEWSLETTER_FROM": "",
    # 定期配信: a list's scheduled time missed by more than this (the scheduler was down) is
    # skipped, not mailed late.
    "KISHA_NEWSLETTER_AUTO_GRACE_SECONDS": 3 * 3600,
    # Digest contents.
    "KISHA_NEWSLETTER_TOP_STORIES": 5,
    "KISHA_NEWSLETTER_PER_SECTION": 3,
    "KISHA_NEWSLETTER_RANKING": 10,
}


def conf(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
