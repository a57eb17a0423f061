"""Periodic news jobs, as django-tasks tasks that call a management command or service."""

from django_tasks import task

from django.core.management import call_command


@task()
def publish_scheduled_pages() -> None:
    """Publish pages whose go-live time has come and expire those past their expiry time."""
    call_command("publish_scheduled", verbosity=0)
