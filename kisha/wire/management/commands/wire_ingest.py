"""`manage.py wire_ingest PATH_OR_URL… [--source NAME] [--format ninjs|newsml|newsml1|rss]`

Ingests files, folders (each regular file in them) or http(s) URLs by hand and prints a summary
per document and in total. URLs go through the same SSRF-safe fetcher as polling.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kisha.wire.conf import conf
from kisha.wire.fetch import FetchError, fetch
from kisha.wire.ingest import IngestSummary
from kisha.wire.models import FORMAT_CHOICES, WireSource
from kisha.wire.services import (
    MANUAL_SOURCE_NAME,
    wire_ingest_bytes,
    wire_record_failure,
    wire_source_for_name,
)

FORMATS = [value for value, _label in FORMAT_CHOICES if value]


class Command(BaseCommand):
    help = "Ingest wire documents from files, folders or URLs and print what happened."

    def add_arguments(self, parser):
        parser.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument(
            "--source",
            default=MANUAL_SOURCE_NAME,
            help=f"source name (created, disabled, if missing; default {MANUAL_SOURCE_NAME})",
        )
        parser.add_argument("--format", choices=FORMATS, default=None)

    def handle(self, *args, targets, source, format, **options):  # noqa: A002
        wire_source = wire_source_for_name(name=source, format=format or "")
        total = IngestSummary()
        for target in targets:
            for origin, summary in self._ingest_target(wire_source, target, format):
                total.add(summary)
                line = f"{origin}: {summary}"
                if summary.failed_documents:
                    self.stderr.write(f"{line} — FAILED: {summary.message}")
                else:
                    self.stdout.write(line)
        self.stdout.write(f"total: {total}")
        if total.failed_documents:
            raise CommandError(f"{total.failed_documents} document(s) could not be ingested")

    def _ingest_target(self, source: WireSource, target: str, format: str | None):  # noqa: A002
        if target.lower().startswith(("http://", "https://")):
            try:
                result = fetch(
                    target,
                    max_bytes=int(conf("KISHA_WIRE_MAX_BYTES")),
                    allow_private=bool(conf("KISHA_WIRE_ALLOW_PRIVATE_FETCH")),
                )
            except FetchError as exc:
                yield target, wire_record_failure(source=source, origin=target, message=exc.message)
                return
            yield (
                target,
                wire_ingest_bytes(
                    source=source,
                    data=result.content or b"",
                    content_type=result.content_type,
                    origin=target,
                    format=format,
                    base_url=result.final_url,
                ),
            )
            return
        path = Path(target)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            files = [path]
        else:
            raise CommandError(f"{target}: no such file, folder or http(s) URL")
        for file in files:
            yield (
                str(file),
                wire_ingest_bytes(
                    source=source, data=file.read_bytes(), origin=str(file), format=format
                ),
            )
