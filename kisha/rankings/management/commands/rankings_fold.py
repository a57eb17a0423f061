"""Fold counted views into the durable tables and refresh the rankings now (what the periodic
tasks do), e.g. after restoring Redis or before a report."""

from django.core.management.base import BaseCommand

from kisha.rankings.services import rankings_fold, rankings_refresh


class Command(BaseCommand):
    help = "Fold counted views into the hourly table and refresh the rankings."

    def handle(self, *args, **options):
        result = rankings_fold()
        refreshed = rankings_refresh()
        self.stdout.write(
            f"folded {result.views} views in {result.batches} batches "
            f"({result.skipped} already folded); "
            + ", ".join(f"{key}: {len(entries)}" for key, entries in refreshed.items())
        )
