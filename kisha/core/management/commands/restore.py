"""manage.py restore SRC [--force]: check a backup, then restore it and migrate forward."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kisha.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "manage.py backup で作ったバックアップを復元します。先にすべてのファイルを検証し、"
        "問題があれば何も変更しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("src", type=Path, help="バックアップのディレクトリ")
        parser.add_argument(
            "--force",
            action="store_true",
            help="空でないデータベースにも上書きで復元します",
        )

    def handle(self, *, src: Path, force: bool, verbosity: int, **options):
        say = self.stdout.write if verbosity > 0 else None
        try:
            result = backup_restore(src=src, force=force, say=say)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        migrated = "、".join(result.migrated) or "なし"
        if say is None:
            return
        say(
            f"{src} から復元しました: {result.files} ファイル、{result.bytes / 2**20:.1f} MB、"
            f"{result.seconds:.1f} 秒。適用したマイグレーション: {migrated}。"
            f"検索インデックスの再構築: {'した' if result.search_rebuilt else '不要'}。"
        )
