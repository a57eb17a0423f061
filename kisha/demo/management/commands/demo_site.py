"""`manage.py demo_site`: build the demo site and an `admin` superuser, and say how to log in."""

from __future__ import annotations

import logging
import os
import secrets
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from kisha.core.sites import site_url
from kisha.demo.activity import demo_views, demo_wire
from kisha.demo.services import DEFAULT_SEED, demo_build
from kisha.magazine.demo import magazine_demo_build
from kisha.newsletter.demo import demo_newsletters
from kisha.series.demo import demo_series

ADMIN_USERNAME = "admin"
PASSWORD_FILE = "demo-admin-password"  # noqa: S105 (a file name, not a password)


def admin_password(*, explicit: str | None = None) -> str:
    """The demo admin's password: given, from DEMO_ADMIN_PASSWORD, or generated once and kept in
    var/ so that every run prints the same one."""
    if explicit:
        return explicit
    from_env = os.environ.get("DEMO_ADMIN_PASSWORD")
    if from_env:
        return from_env
    path = Path(settings.BASE_DIR) / "var" / PASSWORD_FILE
    try:
        stored = path.read_text().strip()
    except FileNotFoundError:
        stored = ""
    if stored:
        return stored
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


def admin_ensure(*, password: str):
    """Create the `admin` superuser, or reset its password and flags if it exists."""
    User = get_user_model()
    user = User.objects.filter(**{User.USERNAME_FIELD: ADMIN_USERNAME}).first()
    if user is None:
        user = User(**{User.USERNAME_FIELD: ADMIN_USERNAME})
    if hasattr(user, "email") and not user.email:
        user.email = "admin@example.com"
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.set_password(password)
    user.save()
    return user


@contextmanager
def quiet_loggers(*names: str):
    """Hide per-page INFO lines (publish log, reference-index tasks) while building hundreds of
    pages; warnings and errors still show."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = "デモサイトを作成します（何度実行しても同じ内容）。Build the demo site (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=120, help="記事数 / number of articles")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="乱数の種 / seed")
        parser.add_argument(
            "--admin-password",
            default=None,
            help="admin のパスワード。省略時は DEMO_ADMIN_PASSWORD か var/ に保存した値",
        )
        parser.add_argument(
            "--fast",
            action="store_true",
            help="リビジョンを作らずに公開する（ベンチマーク用）/ skip revisions, for benchmarks",
        )

    def handle(self, *args, **options):
        with quiet_loggers("django_tasks", "wagtail"):
            summary = demo_build(
                articles=options["articles"],
                seed=options["seed"],
                fast=options["fast"],
                stdout=self.stdout,
            )
            magazine_demo_build(seed=options["seed"], fast=options["fast"])
            if not options["fast"]:
                views = demo_views(seed=options["seed"])
                wire = demo_wire(seed=options["seed"])
                self.stdout.write(f"閲覧履歴 {views} 件を追加、速報 {wire} 件")
            self.stdout.write(f"連載 {demo_series()} 本")
            self.stdout.write(f"メールマガジン {demo_newsletters()} 種類")
        password = admin_password(explicit=options["admin_password"])
        admin_ensure(password=password)
        site = site_url()
        self.stdout.write(
            self.style.SUCCESS(
                f"デモサイトを用意しました / Demo site ready: {summary.articles} 記事 articles, "
                f"{summary.sections} セクション sections, {summary.topics} トピック topics, "
                f"{summary.authors} 執筆者 authors, {summary.images} 画像 images "
                f"({summary.seconds:.1f} 秒 s)"
            )
        )
        self.stdout.write(f"サイト / Site:        {site}/")
        self.stdout.write(f"管理画面 / Admin:     {site}/admin/")
        self.stdout.write(f"ユーザー名 / Username: {ADMIN_USERNAME}")
        self.stdout.write(f"パスワード / Password: {password}")
        self.stdout.write("起動 / Run: python manage.py runserver")
