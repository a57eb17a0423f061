"""Apply the newsroom roles again: groups, page/collection/model permissions, the workflow."""

from django.core.management.base import BaseCommand

from kisha.newsroom.roles import ROLES, roles_ensure


class Command(BaseCommand):
    help = (
        "記者・デスク・編集長・Web編集のグループ、権限、デスク審査ワークフローを作成・補完します。"
    )

    def handle(self, *args, **options):
        roles_ensure()
        self.stdout.write("、".join(ROLES) + " の権限とデスク審査ワークフローを設定しました。")
