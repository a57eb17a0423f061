"""manage.py backup DEST: the database, the uploads and a manifest, in one new directory."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kisha.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "サイトのバックアップ（データベース、アップロードされたファイル、マニフェスト）を DEST に作ります。"

    def add_arguments(self, parser):
        parser.add_argument("dest", type=Path, help="作るディレクトリ（既にあってはいけません）")
        parser.add_argument(
            "--no-fold",
            action="store_true",
            help="閲覧数の集計（rankings_fold）を先に行いません",
        )

    def handle(self, *, dest: Path, no_fold: bool, verbosity: int, **options):
        say = self.stdout.write if verbosity > 0 else None
        try:
            result = backup_create(dest=dest, fold=not no_fold, say=say)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if say is None:
            return
        say(
            f"{result.path} にバックアップしました: {result.files} ファイル、"
            f"{result.bytes / 2**20:.1f} MB、{result.seconds:.1f} 秒。"
        )
