"""Writes for subscriptions: sign-up with double opt-in, confirmation, preferences and
unsubscribe. Sending lives in sending.py, composing in digest.py.

Sign-up answers the same whatever the address's state (new, pending, confirmed, unsubscribed,
bounced) and whether the mail goes out: the view shows one page for all of them, so the form
cannot be used to learn who subscribes.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import tasks  # (the tasks call these services: modules on both sides)
from .addresses import address_normalize, header_safe
from .conf import conf
from .models import NewsletterList, Subscriber, Subscription
from .tokens import TokenError, confirm_token_make, confirm_token_read, manage_token_read

logger = logging.getLogger("kisha.newsletter")


def site_url(path: str) -> str:
    return f"{settings.KISHA_SITE_URL}{path}"


def subscribe_request(*, email: str, list_ids: list[int]) -> None:
    """Record a sign-up and send a confirmation mail if one is due. Raises AddressError for an
    address that cannot be one; otherwise says nothing about what it found."""
    address = address_normalize(email)
    lists = list(NewsletterList.objects.filter(id__in=list_ids, active=True))
    if not lists:
        return
    now = timezone.now()
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(email=address)
        if subscriber.status != Subscriber.Status.ACTIVE:
            return  # a bounced address gets no mail; the reader sees the same page
        wanted = []
        for newsletter in lists:
            try:
                with transaction.atomic():
                    sub, _ = Subscription.objects.get_or_create(
                        subscriber=subscriber, newsletter=newsletter
                    )
            except IntegrityError:  # a concurrent sign-up made it
                sub = Subscription.objects.get(subscriber=subscriber, newsletter=newsletter)
            if sub.state == Subscription.State.CONFIRMED:
                continue
            if sub.state == Subscription.State.UNSUBSCRIBED:
                Subscription.objects.filter(id=sub.id).update(
                    state=Subscription.State.PENDING, changed_at=now
                )
            wanted.append(newsletter.id)
        if not wanted:
            return
        # One confirmation mail per address per window, claimed by a conditional UPDATE so two
        # workers (or two servers) answering at once send one mail between them.
        window = dt.timedelta(seconds=int(conf("KISHA_NEWSLETTER_CONFIRM_WINDOW")))
        claimed = (
            Subscriber.objects.filter(id=subscriber.id)
            .filter(Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lt=now - window))
            .update(confirmation_sent_at=now)
        )
        if not claimed:
            return
        # Ask for every pending list of this address, not only today's: one link confirms all.
        pending = list(
            Subscription.objects.filter(
                subscriber=subscriber, state=Subscription.State.PENDING
            ).values_list("newsletter_id", flat=True)
        )
        subscriber_id, nonce = subscriber.id, subscriber.confirm_nonce

    try:
        tasks.confirmation_send_task.enqueue(
            subscriber_id=subscriber_id, list_ids=pending, nonce=nonce
        )
    except Exception:  # a queue outage must not tell the reader anything different
        logger.exception("newsletter: could not enqueue a confirmation mail")


def confirmation_send(*, subscriber_id: int, list_ids: list[int], nonce: str) -> bool:
    """Send the confirmation mail; False (logged) when SMTP fails. The window stays claimed, so
    a reader who tries again at once gets no second mail; after the window they may."""
    subscriber = Subscriber.objects.filter(id=subscriber_id).first()
    if subscriber is None or subscriber.confirm_nonce != nonce:
        return False
    lists = list(NewsletterList.objects.filter(id__in=list_ids))
    token = confirm_token_make(subscriber_id=subscriber_id, list_ids=list_ids, nonce=nonce)
    context = {
        "site_name": settings.KISHA_SITE_NAME,
        "lists": lists,
        "confirm_url": site_url(reverse("newsletter:confirm", args=[token])),
        "hours": int(conf("KISHA_NEWSLETTER_CONFIRM_MAX_AGE")) // 3600,
    }
    sender = conf("KISHA_NEWSLETTER_FROM") or settings.DEFAULT_FROM_EMAIL
    message = EmailMessage(
        subject=header_safe(f"【{settings.KISHA_SITE_NAME}】メールマガジン登録の確認"),
        body=render_to_string("newsletter/mail/confirm.txt", context),
        from_email=sender,
        to=[subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    try:
        message.send()
    except Exception as exc:
        logger.warning("newsletter: confirmation mail not sent: %s", type(exc).__name__)
        return False
    return True


def subscription_confirm(*, token: str) -> Subscriber:
    """Confirm every list the token names. Single-use: the nonce rotates in the same
    transaction, and only the request that changes it wins. Raises TokenError."""
    data = confirm_token_read(token)
    now = timezone.now()
    with transaction.atomic():
        changed = Subscriber.objects.filter(
            id=data.subscriber_id, confirm_nonce=data.nonce, status=Subscriber.Status.ACTIVE
        ).update(confirm_nonce=secrets.token_urlsafe(16), confirmed_at=now)
        if not changed:
            raise TokenError("used")
        Subscription.objects.filter(
            subscriber_id=data.subscriber_id,
            newsletter_id__in=data.list_ids,
            state=Subscription.State.PENDING,
        ).update(state=Subscription.State.CONFIRMED, changed_at=now)
    return Subscriber.objects.get(id=data.subscriber_id)


def manage_subscriber(*, token: str) -> tuple[Subscriber, int | None]:
    """The subscriber (and list) a preferences or unsubscribe link names. Raises TokenError."""
    data = manage_token_read(token)
    subscriber = Subscriber.objects.filter(id=data.subscriber_id).first()
    if subscriber is None or not secrets.compare_digest(subscriber.manage_key, data.key):
        raise TokenError("revoked")
    return subscriber, data.list_id


def unsubscribe(*, token: str) -> tuple[Subscriber, list[NewsletterList]]:
    """Unsubscribe from the list the link names, or from every list. Idempotent: a second
    click, or a mail client's RFC 8058 POST after the reader's own, changes nothing."""
    subscriber, list_id = manage_subscriber(token=token)
    subs = Subscription.objects.filter(subscriber=subscriber).exclude(
        state=Subscription.State.UNSUBSCRIBED
    )
    if list_id:
        subs = subs.filter(newsletter_id=list_id)
    lists = list(NewsletterList.objects.filter(id__in=subs.values("newsletter_id")))
    if list_id and not lists:
        lists = list(NewsletterList.objects.filter(id=list_id))
    subs.update(state=Subscription.State.UNSUBSCRIBED, changed_at=timezone.now())
    return subscriber, lists


def preferences_update(*, subscriber: Subscriber, list_ids: set[int]) -> None:
    """Keep exactly `list_ids` (confirmed lists only can be kept or added: the link proves the
    address, so a list added here needs no second confirmation)."""
    now = timezone.now()
    lists = set(NewsletterList.objects.filter(active=True).values_list("id", flat=True))
    with transaction.atomic():
        for newsletter_id in lists:
            wanted = newsletter_id in list_ids
            sub = Subscription.objects.filter(
                subscriber=subscriber, newsletter_id=newsletter_id
            ).first()
            if wanted:
                if sub is None:
                    Subscription.objects.create(
                        subscriber=subscriber,
                        newsletter_id=newsletter_id,
                        state=Subscription.State.CONFIRMED,
                    )
                elif sub.state != Subscription.State.CONFIRMED:
                    Subscription.objects.filter(id=sub.id).update(
                        state=Subscription.State.CONFIRMED, changed_at=now
                    )
            elif sub is not None and sub.state != Subscription.State.UNSUBSCRIBED:
                Subscription.objects.filter(id=sub.id).update(
                    state=Subscription.State.UNSUBSCRIBED, changed_at=now
                )
