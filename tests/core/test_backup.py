"""Backup and restore (kisha.core.backup), as an operator runs them.

The drill builds a small site, backs it up with `manage.py backup` in a subprocess against the
test database, destroys it, restores it with `manage.py restore` in a subprocess, and compares
every live page's HTML byte for byte, every uploaded file's checksum and the row count of every
model, before against after. The other tests feed `restore` broken backups and check that it
refuses them, names the problem and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from wagtail.documents import get_document_model
from wagtail.models import Page

from kisha.core.backup import MANIFEST, PG_FILE, SQLITE_FILE
from kisha.demo.services import demo_build
from kisha.news.factories import TopicPageFactory
from kisha.news.models import ArticlePage, SectionPage
from kisha.rankings.backends.database import DatabaseCounter
from kisha.rankings.models import DailyViews, HourlyViews, Ranking
from kisha.rankings.services import rankings_fold, rankings_refresh
from kisha.wire.models import WireItem, WireSource
from kisha.wire.services import wire_ingest_bytes
from tests.processes import ROOT, process_env, wagtail_initial_data_restore
from tests.wire.conftest import ninjs_batch, ninjs_item

SEARCH = "/search/?q=%E6%A0%AA%E4%BE%A1"  # 株価


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=process_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def committed(transactional_db):
    """Data that the subprocesses can see: committed, on top of what Wagtail's migrations make
    (which an earlier transactional test's flush removed). Ask for it before other fixtures."""
    wagtail_initial_data_restore()


def site_build() -> None:
    """The demo site (sections, topics, authors, photos, 12 articles) plus a document, counted
    views folded into the rankings tables, and wire items."""
    demo_build(articles=12, fast=True)
    get_document_model().objects.create(
        title="決算資料", file=ContentFile("2026年度 決算短信\n".encode(), name="kessan.txt")
    )
    counter = DatabaseCounter(flush_thread=False)
    now = timezone.now()
    for n, article in enumerate(ArticlePage.objects.live().order_by("pk")[:5]):
        for _ in range(n + 1):
            counter.record(
                page_id=article.pk, reader=uuid.uuid4().hex, address="203.0.113.9", now=now
            )
    assert rankings_fold(backend=counter).views == 15
    rankings_refresh()
    source = WireSource.objects.create(
        name="ロイター",
        format="ninjs",
        credit="ロイター",
        default_section=SectionPage.objects.first(),
    )
    wire_ingest_bytes(
        source=source,
        data=ninjs_batch(ninjs_item("urn:backup:1"), ninjs_item("urn:backup:2", version=2)),
        origin="test",
    )
    assert HourlyViews.objects.exists() and DailyViews.objects.exists()
    assert Ranking.objects.exists() and WireItem.objects.count() == 2


# The one byte sequence that differs between two renders of the same site: the time the
# rankings fragment was rendered, which its script uses to decide whether to refresh it.
RENDERED_AT = re.compile(rb'data-rankings-at="\d+"')


def pages_render() -> dict[str, tuple[int, bytes]]:
    """Every live page's HTML (and a search), as a reader's browser gets it."""
    client = Client()
    urls = [page.url for page in Page.objects.live().specific().order_by("path") if page.url]
    urls.append(SEARCH)
    return {
        url: (r.status_code, RENDERED_AT.sub(b'data-rankings-at=""', r.content))
        for url in urls
        for r in [client.get(url)]
    }


def html_diff(url: str, before: bytes, after: bytes) -> str:
    lines = difflib.unified_diff(
        before.decode().splitlines(), after.decode().splitlines(), "before", "after", lineterm=""
    )
    return f"{url} differs after the restore:\n" + "\n".join(list(lines)[:40])


def media_checksums() -> dict[str, str]:
    """sha256 of every uploaded file (originals and documents), renditions left out."""
    root = Path(settings.MEDIA_ROOT)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.relative_to(root).parts[0] != "images"
    }


def model_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def database_destroy() -> None:
    """Lose everything: every row (SQLite), every table (PostgreSQL), every uploaded file."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE IF EXISTS "{name}" CASCADE')
    else:
        call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    Path(settings.MEDIA_ROOT).mkdir()


def test_the_drill_backup_destroy_restore_gives_back_the_same_site(committed, tmp_path):
    site_build()
    before_pages = pages_render()
    before_media = media_checksums()
    before_counts = model_counts()
    assert len(before_pages) > 20 and all(status == 200 for status, _ in before_pages.values())
    assert any(name.startswith("original_images/") for name in before_media)
    assert any(name.startswith("documents/") for name in before_media)

    dest = tmp_path / "backup"
    backed_up = manage("backup", str(dest))
    assert backed_up.returncode == 0, backed_up.stderr
    print(backed_up.stdout)
    manifest = json.loads((dest / MANIFEST).read_text())
    assert manifest["vendor"] == connection.vendor
    # The manifest names each app's newest applied migration.
    from django.db.migrations.loader import MigrationLoader

    (news_leaf,) = MigrationLoader(connection).graph.leaf_nodes("news")
    assert manifest["migrations"]["news"] == news_leaf[1]
    assert manifest["created"].endswith("+09:00")
    assert not list(tmp_path.glob(".backup.partial-*"))

    database_destroy()
    if connection.vendor == "sqlite":
        assert not Page.objects.filter(depth__gt=1).exists()
    assert media_checksums() == {}

    restored = manage("restore", str(dest))
    assert restored.returncode == 0, restored.stderr
    print(restored.stdout)

    after_pages = pages_render()
    assert after_pages.keys() == before_pages.keys()
    for url, page in before_pages.items():
        assert after_pages[url] == page, html_diff(url, page[1], after_pages[url][1])
    assert media_checksums() == before_media
    assert model_counts() == before_counts


def test_a_backup_from_an_older_release_restores_and_migrates_forward(committed, article, tmp_path):
    """search.0005 stands for the newer release: the backup is taken before it, and the
    restore applies it and, as it is a search migration, rebuilds the index."""
    older = manage("migrate", "search", "0004_postgres_title_vector_and_storage")
    assert older.returncode == 0, older.stderr
    dest = tmp_path / "backup"
    assert manage("backup", str(dest), "--no-fold").returncode == 0
    assert json.loads((dest / MANIFEST).read_text())["migrations"]["search"].startswith("0004")

    restored = manage("restore", str(dest), "--force")
    assert restored.returncode == 0, restored.stderr
    assert "search.0005_postgres_object_key" in restored.stdout
    assert "検索インデックスの再構築: した" in restored.stdout
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description(
                cursor, "search_searchdocument"
            )
        assert "object_key" in {column.name for column in columns}
    response = Client().get("/search/?q=" + "非核化")
    assert f'href="{article.url}"' in response.content.decode()


def test_running_workers_show_the_restored_site_from_the_next_request(
    committed, app_server, article, topic, tmp_path
):
    """Two gunicorn workers keep running through the restore; both have memos (topics) and
    pages built after the backup, and both show the backup's site from the next request."""
    server = app_server()
    original = article.title
    dest = tmp_path / "backup"
    assert manage("backup", str(dest), "--no-fold").returncode == 0

    article.title = "バックアップの後で変えた見出し"
    article.save_revision().publish()
    later = TopicPageFactory(parent=topic.get_parent(), title="後で作ったトピック", slug="later")
    for response in server.get_many([article.url] * 6):
        assert "バックアップの後で変えた見出し" in response.text
    for response in server.get_many([later.url, "/topics/"] * 6):
        assert response.status_code == 200
        assert "後で作ったトピック" in response.text

    restored = manage("restore", str(dest), "--force")
    assert restored.returncode == 0, restored.stderr

    since = server.mark()
    for response in server.get_many([article.url] * 12):
        assert response.status_code == 200
        assert original in response.text
        assert "バックアップの後で変えた見出し" not in response.text
    assert {r.status_code for r in server.get_many([later.url] * 12)} == {404}
    for response in server.get_many(["/topics/"] * 12):
        assert "後で作ったトピック" not in response.text
    assert len(server.pids(since=since)) == server.workers, "not every worker answered"


# --- refusals ----------------------------------------------------------------------------------


@pytest.fixture
def backup(db, article, tmp_path) -> Path:
    """A backup of the factories' site (one article with a photo), made in this process."""
    get_document_model().objects.create(title="資料", file=ContentFile(b"data", name="data.txt"))
    dest = tmp_path / "backup"
    # --no-fold: folding here would leave this process a counter with a flush thread.
    call_command("backup", str(dest), "--no-fold", verbosity=0)
    return dest


def manifest_edit(backup: Path, change) -> None:
    path = backup / MANIFEST
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def untouched(article) -> None:
    """The site is as it was: the article's row and its photo's file."""
    article.refresh_from_db()
    assert ArticlePage.objects.live().filter(pk=article.pk).exists()
    assert Path(article.hero_image.file.path).read_bytes()[:2] == b"\xff\xd8"


def restore(backup: Path, *args: str) -> None:
    call_command("restore", str(backup), *args, verbosity=0)


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("which", ["photo", "database"])
def test_a_corrupt_file_is_refused_by_name_and_nothing_changes(backup, article, which):
    if which == "photo":
        name = next(p for p in json.loads((backup / MANIFEST).read_text())["files"] if "orig" in p)
    else:
        name = SQLITE_FILE if connection.vendor == "sqlite" else PG_FILE
    flip_one_byte(backup / name)
    with pytest.raises(CommandError, match=rf"{name} の sha256"):
        restore(backup, "--force")
    untouched(article)


def test_a_missing_or_truncated_file_is_refused(backup, article):
    manifest = json.loads((backup / MANIFEST).read_text())
    document = next(name for name in manifest["files"] if name.startswith("media/documents/"))
    (backup / document).unlink()
    with pytest.raises(CommandError, match=rf"{document} がありません"):
        restore(backup, "--force")
    untouched(article)


def test_a_backup_without_manifest_is_refused(backup, article):
    (backup / MANIFEST).unlink()
    with pytest.raises(CommandError, match="manifest.json がありません"):
        restore(backup, "--force")
    untouched(article)


def test_a_backup_of_the_other_vendor_is_refused(backup, article):
    ours, theirs = (
        (SQLITE_FILE, PG_FILE) if connection.vendor == "sqlite" else (PG_FILE, SQLITE_FILE)
    )
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    (backup / ours).rename(backup / theirs)

    def other_vendor(manifest):
        manifest["vendor"] = other
        manifest["files"][theirs] = manifest["files"].pop(ours)

    manifest_edit(backup, other_vendor)
    with pytest.raises(CommandError, match=f"{other} のものです"):
        restore(backup, "--force")
    untouched(article)


@pytest.mark.parametrize("entry", ["../../etc/x", "media/../../etc/x", "/etc/x", "media/images/x"])
def test_a_path_outside_the_backup_is_refused(backup, article, entry):
    def traverse(manifest):
        manifest["files"][entry] = {"sha256": "0" * 64, "size": 1}

    manifest_edit(backup, traverse)
    with pytest.raises(CommandError, match="不正なファイル名"):
        restore(backup, "--force")
    untouched(article)


def test_a_media_file_replaced_by_a_symlink_out_of_the_backup_is_refused(backup, article):
    name = next(p for p in json.loads((backup / MANIFEST).read_text())["files"] if "doc" in p)
    (backup / name).unlink()
    (backup / name).symlink_to("/etc/hostname")
    with pytest.raises(CommandError, match=name):
        restore(backup, "--force")
    untouched(article)


def test_restoring_over_a_site_needs_force(backup, article):
    with pytest.raises(CommandError, match="--force"):
        restore(backup)
    untouched(article)


def test_a_backup_from_a_newer_release_is_refused(backup, article):
    manifest_edit(backup, lambda m: m["migrations"].update(news="0999_from_the_future"))
    with pytest.raises(CommandError, match="news.0999_from_the_future"):
        restore(backup, "--force")
    untouched(article)


def test_an_existing_destination_is_never_overwritten(backup):
    before = sorted(p.name for p in backup.iterdir())
    manifest = (backup / MANIFEST).read_bytes()
    with pytest.raises(CommandError, match="すでにあります"):
        call_command("backup", str(backup), verbosity=0)
    assert sorted(p.name for p in backup.iterdir()) == before
    assert (backup / MANIFEST).read_bytes() == manifest


def test_the_manifest_lists_every_file_with_its_checksum(backup, article):
    manifest = json.loads((backup / MANIFEST).read_text())
    on_disk = {p.relative_to(backup).as_posix() for p in backup.rglob("*") if p.is_file()} - {
        MANIFEST
    }
    assert set(manifest["files"]) == on_disk
    for name, entry in manifest["files"].items():
        data = (backup / name).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert dt.datetime.fromisoformat(manifest["created"]).utcoffset() == dt.timedelta(hours=9)
    assert {"kisha_version", "django", "wagtail", "migrations"} <= manifest.keys()
    # Renditions are rebuilt from the originals, so they are not copied.
    assert not any(name.startswith("media/images/") for name in manifest["files"])


@pytest.mark.skipif("not __import__('shutil').which('pg_dump')")
def test_without_pg_dump_the_backup_says_so_and_leaves_nothing(db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is only needed for PostgreSQL")
    empty = tmp_path / "bin"
    empty.mkdir()
    result = manage("backup", str(tmp_path / "backup"), "--no-fold", PATH=str(empty))
    assert result.returncode != 0
    assert "pg_dump が見つかりません" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["bin"]
