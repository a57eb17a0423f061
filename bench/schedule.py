"""How late scheduled publications go live: two `kisha_scheduler` processes (one started by
mistake), periodic jobs off, a demo site (on PostgreSQL with the database task back end and a
`db_worker`, as production runs it; on SQLite with in-process tasks); SCHEDULES articles are approved to go live at
staggered times a few seconds ahead, *after* the schedulers have gone to sleep (so on
PostgreSQL each one is found through the wake channel, on SQLite through the poll), and the
lateness of each is Wagtail's own `first_published_at` minus its go-live time.

    .venv/bin/python bench/schedule.py [--schedules 20] [--database-url postgres://…]

Prints p50 and max lateness, how many publications each page got (must be 1) and the
scheduler's cost while idle (CPU seconds per minute). Target (issue 17): every publication
within 2 s of its time; the previous per-minute job gave up to 60 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, ROOT, demo_site, machine  # noqa: E402

SCHEDULE = r"""
import datetime as dt, json, sys, django
django.setup()
from django.utils import timezone
from kisha.news.models import ArticlePage, SectionPage
count, lead = int(sys.argv[1]), float(sys.argv[2])
section = SectionPage.objects.live().first()
start = timezone.now() + dt.timedelta(seconds=lead)
ids = []
for i in range(count):
    page = ArticlePage(title=f"予約公開のベンチ記事 {i + 1}", slug=f"bench-schedule-{start:%H%M%S}-{i}",
                       lead="予約公開の遅れを測るための記事。", live=False)
    section.add_child(instance=page)
    page.go_live_at = start + dt.timedelta(seconds=0.37 * i)  # not on whole seconds
    if page.go_live_at <= timezone.now():
        sys.exit(f"page {i} was saved after its go-live: raise the lead time")
    page.save_revision().publish()
    ids.append(page.pk)
print(json.dumps(ids))
"""

RESULT = r"""
import json, sys, django
django.setup()
from wagtail.models import PageLogEntry
from kisha.news.models import ArticlePage
ids = json.loads(sys.argv[1])
rows = []
for page in ArticlePage.objects.filter(pk__in=ids):
    late = (page.first_published_at - page.go_live_at).total_seconds() if page.live else None
    logs = PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").count()
    rows.append([late, logs])
print(json.dumps(rows))
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schedules", type=int, default=20)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    env, _, summary = demo_site("schedule", articles=args.articles, database_url=args.database_url)
    from _common import manage  # noqa: PLC0415

    off = json.loads(
        subprocess.run(
            [
                PYTHON,
                "-c",
                "import django, json; django.setup();"
                "from kisha.core.management.commands.kisha_scheduler import periodic_tasks;"
                "print(json.dumps(list(periodic_tasks())))",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    env = {**env, "KISHA_PERIODIC_TASKS": ",".join(f"{path}=0" for path in off)}
    manage(env, "kisha_scheduler", "--once")  # publish anything left from an earlier run
    workers = []
    if args.database_url:
        # As production runs PostgreSQL: the side effects of a publish (search index, related
        # lists, purges) are tasks that a db_worker runs, not the scheduler.
        env = {**env, "KISHA_TASKS": "database"}
        workers.append(
            subprocess.Popen(
                [PYTHON, str(ROOT / "manage.py"), "db_worker", "--interval", "0.5"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    schedulers = [
        subprocess.Popen(
            [PYTHON, str(ROOT / "manage.py"), "kisha_scheduler"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for process in schedulers:
            process.stdout.readline()  # "kisha_scheduler: 0 periodic jobs": started
        time.sleep(2)  # both asleep
        idle_start = [cpu_seconds(p.pid) for p in schedulers]
        time.sleep(10)
        idle = max(cpu_seconds(p.pid) - s for p, s in zip(schedulers, idle_start, strict=True))
        # Saving a page costs up to a second on a busy machine: every go-live lies after the
        # last save, so none is published by the save itself.
        lead = 6 + 0.8 * args.schedules
        saving = time.time()
        out = subprocess.run(
            [PYTHON, "-c", SCHEDULE, str(args.schedules), str(lead)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        ids = json.loads(out.stdout.split("\n")[-2])
        time.sleep(max(0.0, lead - (time.time() - saving)) + 0.37 * args.schedules + 5)
        rows = json.loads(
            subprocess.run(
                [PYTHON, "-c", RESULT, json.dumps(ids)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
    finally:
        for process in schedulers + workers:
            process.terminate()
        for process in workers:
            process.wait(30)
        errors = [process.communicate(timeout=30)[1] for process in schedulers]
    late = sorted(row[0] for row in rows if row[0] is not None)
    print(machine())
    print(summary)
    print(f"schedules: {len(ids)}, published: {len(late)}, with two schedulers running")
    if late:
        print(
            f"lateness: p50 {statistics.median(late) * 1000:.0f} ms, "
            f"max {late[-1] * 1000:.0f} ms, min {late[0] * 1000:.0f} ms"
        )
    print(f"scheduled publications per page: {sorted({row[1] for row in rows})}")
    print(f"idle scheduler CPU: {idle * 6:.2f} s per minute")
    for error in errors:
        if "Traceback" in error:
            print(error)


if __name__ == "__main__":
    main()
