"""Background work for the newsletter, as django-tasks tasks that call a service."""

import logging

from django_tasks import task

# The tasks call the services that enqueue them, a loop by nature: modules, not names, are
# imported on both sides, so each function is looked up when it runs.
from . import schedule, sending, services


@task()
def confirmation_send_task(subscriber_id: int, list_ids: list[int], nonce: str) -> None:
    services.confirmation_send(subscriber_id=subscriber_id, list_ids=list_ids, nonce=nonce)


@task()
def mailing_send_task(mailing_id: int) -> None:
    """Start a mailing (if it is not already) and send for one run's time; the periodic tick
    carries on from there."""

    sending.mailing_start(mailing_id=mailing_id)
    sending.mailing_send(mailing_id=mailing_id)


@task()
def mailings_tick() -> None:
    """Periodic: make the 定期配信 mailings that are due (schedule.py), start scheduled mailings
    whose time has come, and go on sending every mailing still sending (after a crash, a
    restart or a 4xx's back-off)."""
    try:
        schedule.mailings_plan()
    except Exception:  # a list's digest that cannot be made must not stop the sends under way
        logging.getLogger("kisha.newsletter").exception("newsletter: planning failed")
    for mailing_id in sending.mailings_due():
        try:
            sending.mailing_send(mailing_id=mailing_id)
        except Exception:
            logging.getLogger("kisha.newsletter").exception(
                "newsletter: mailing %s failed in this run", mailing_id
            )
