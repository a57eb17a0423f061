"""Show the counter back end's state and the beacon counters (fallbacks, drops) summed over
every process, for operators and monitoring scripts (`--json`)."""

import json

from django.core.management.base import BaseCommand

from kisha.core.text import jst_datetime
from kisha.rankings.backends import get_backend
from kisha.rankings.metrics import metrics_totals
from kisha.rankings.selectors import rankings_computed_at


class Command(BaseCommand):
    help = "Show the rankings counter back end, its health and the beacon counters."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, json: bool = False, **options):
        computed_at = rankings_computed_at()
        data = {
            "status": get_backend().status(),
            "metrics": metrics_totals(),
            "computed_at": computed_at.isoformat() if computed_at else None,
        }
        if json:
            self.stdout.write(_dumps(data))
            return
        for name, value in data["status"].items():
            self.stdout.write(f"{name}: {value}")
        self.stdout.write(f"rankings computed: {jst_datetime(computed_at) or 'never'}")
        for name, value in data["metrics"].items():
            self.stdout.write(f"{name}: {value}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)
