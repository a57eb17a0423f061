"""Rebuild every related list: `manage.py recommend_refresh [--retokenize]`."""

from django.core.management.base import BaseCommand

from kisha.recommend.services import related_refresh


class Command(BaseCommand):
    help = "関連記事をすべて計算し直す（変更された記事だけ形態素解析し直す）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--retokenize", action="store_true", help="すべての記事を形態素解析し直す"
        )

    def handle(self, *args, retokenize=False, verbosity=1, **options):
        def say(message: str) -> None:
            if verbosity > 1:
                self.stdout.write(message)

        summary = related_refresh(say=say, retokenize=retokenize)
        if verbosity:
            timings = ", ".join(f"{k} {v:.1f} s" for k, v in (summary.seconds or {}).items())
            self.stdout.write(
                f"記事 {summary.articles}（解析 {summary.tokenized}、削除 {summary.removed}）、"
                f"関連 {summary.related} 件、ポスティング {summary.postings} 件 — {timings}"
            )
