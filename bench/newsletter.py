"""Newsletter send speed: mails composed (personalised unsubscribe and preferences links, both
parts) and handed to SMTP per second, for a list of 100,000 confirmed subscribers, through
Django's SMTP backend to an aiosmtpd sink on 127.0.0.1 in a process of its own.

    .venv/bin/python bench/newsletter.py [--subscribers 100000] [--database-url postgres://…]

A throwaway database (SQLite file, or a `kisha_bench_newsletter` database next to the given
PostgreSQL URL). It times mailing_start (freeze the digest, one Delivery row per reader), then
mailing_send until every row is marked, with every row claimed, sent and marked one by one as in
production, over --connections SMTP connections (KISHA_NEWSLETTER_CONNECTIONS). Target (issue 15): ≥ 200 mails/s on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    PYTHON,
    ROOT,
    bench_env,
    ensure_postgres_database,
    free_port,
    machine,
    manage,
    wait_for_port,
)

TARGET = 200

CHILD = r"""
import sys, time, django
django.setup()
from django.conf import settings
from django.db import connection
from kisha.news.services import site_ensure_home
from kisha.news.factories import ArticlePageFactory, SectionPageFactory
from kisha.newsletter.models import Delivery, Mailing, NewsletterList, Subscriber, Subscription
from kisha.newsletter.mail import MessageTemplate, mailing_message
from kisha.newsletter.sending import mailing_send, mailing_start

count = {count}
home = site_ensure_home(title="bench")
for slug, title in (("world", "ワールド"), ("business", "ビジネス"), ("japan", "日本")):
    section = SectionPageFactory(parent=home, title=title, slug=slug)
    for n in range(6):
        ArticlePageFactory(parent=section, title=f"{{title}}の記事　景気の先行きに慎重な見方が広がる その{{n}}",
                           lead="市場関係者の間では、年明け以降の動きを見極めたいとの声が多い。")
newsletter = NewsletterList.objects.create(name="毎朝のニュース", slug="morning", schedule="daily",
                                           sender_name="週刊キシャ編集部", sender_email="news@kisha.example")
started = time.perf_counter()
Subscriber.objects.bulk_create([Subscriber(email=f"reader{{i:06d}}@example.jp") for i in range(count)], batch_size=5000)
ids = list(Subscriber.objects.values_list("id", flat=True))
Subscription.objects.bulk_create([Subscription(subscriber_id=i, newsletter=newsletter, state="confirmed") for i in ids], batch_size=5000)
print(f"setup: {{count}} subscribers in {{time.perf_counter() - started:.1f}} s", flush=True)

mailing = Mailing.objects.create(newsletter=newsletter, subject="毎朝のニュース　ベンチマーク", intro="おはようございます。")
started = time.perf_counter()
mailing_start(mailing_id=mailing.id)
print(f"mailing_start (compose, {{count}} delivery rows): {{time.perf_counter() - started:.2f}} s", flush=True)
mailing = Mailing.objects.select_related("newsletter").get(id=mailing.id)

# Composition alone, no SMTP: what a mail costs before the relay.
subs = list(Subscriber.objects.values_list("id", "email", "manage_key")[:5000])
started = time.perf_counter()
for sid, email, key in subs[:1000]:
    mailing_message(mailing=mailing, email=email, subscriber_id=sid, key=key).message().as_bytes()
ordinary = 1000 / (time.perf_counter() - started)
started = time.perf_counter()
template = MessageTemplate(mailing=mailing)
assert template.usable
for sid, email, key in subs:
    template.render(email=email, subscriber_id=sid, key=key).message().as_bytes()
compose = len(subs) / (time.perf_counter() - started)
print(f"compose only (no SMTP): {{compose:.0f}} mails/s from the template, {{ordinary:.0f}} mails/s built one by one by the email package", flush=True)

started = time.perf_counter()
cpu = time.process_time()
runs = 0
while True:
    runs += 1
    report = mailing_send(mailing_id=mailing.id, seconds=3600)
    if report.finished or runs > 5:
        break
elapsed = time.perf_counter() - started
cpu = time.process_time() - cpu
sent = Delivery.objects.filter(mailing=mailing, state="sent").count()
print(f"sent {{sent}} of {{count}} in {{elapsed:.1f}} s: {{sent / elapsed:.0f}} mails/s "
      f"({{connection.vendor}}, {{runs}} run(s), {{settings.KISHA_NEWSLETTER_CONNECTIONS}} SMTP connection(s))", flush=True)
print(f"sender CPU: {{cpu:.1f}} s ({{sent / cpu:.0f}} mails per CPU second)", flush=True)
print(f"RESULT {{sent / elapsed:.1f}}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--connections", type=int, default=2, help="KISHA_NEWSLETTER_CONNECTIONS")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="kisha-bench-newsletter-") as tmp:
        workdir = Path(tmp)
        url = ""
        if args.database_url:
            parts = urllib.parse.urlsplit(args.database_url)
            url = urllib.parse.urlunsplit(parts._replace(path="/kisha_bench_newsletter"))
            ensure_postgres_database(url)
        env = bench_env(workdir=workdir, database_url=url or None)
        port = free_port()
        env.update(
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(port),
            KISHA_SITE_URL="https://kisha.example",
            ALLOWED_HOSTS="kisha.example,127.0.0.1",
            KISHA_NEWSLETTER_CONNECTIONS=str(args.connections),
        )
        sink = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{port}",
                "-c",
                "aiosmtpd.handlers.Sink",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(port)
            manage(env, "migrate", "--noinput", "-v", "0")
            result = subprocess.run(
                [PYTHON, "-c", CHILD.format(count=args.subscribers)],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{sink.pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks = int(fields[11]) + int(fields[12])
                print(f"SMTP sink CPU: {ticks / os.sysconf('SC_CLK_TCK'):.1f} s")
        finally:
            sink.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                sink.wait(10)
    rate = 0.0
    for line in result.stdout.splitlines():
        if line.startswith("RESULT "):
            rate = float(line.split()[1])
        else:
            print(line)
    verdict = "meets" if rate >= TARGET else "MISSES"
    print(f"{rate:.0f} mails/s {verdict} the target of {TARGET}/s")


if __name__ == "__main__":
    main()
