"""Periodic jobs (declared on RankingsConfig.periodic_tasks): thin wrappers over services."""

from django_tasks import task

from . import services


@task()
def fold_views() -> int:
    return services.rankings_fold().views


@task()
def refresh_rankings() -> int:
    services.rankings_fold()
    return sum(len(entries) for entries in services.rankings_refresh().values())


@task()
def prune_views() -> int:
    return sum(services.rankings_prune().values())
