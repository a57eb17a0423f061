"""Backup and restore of a whole site: the database, the uploaded files and a manifest.

A backup is a directory, not an archive: media files are copied as they are, so rsync or a
deduplicating backup tool sends only the photos that are new since last night, and anyone can
check a copy with `sha256sum`. It is written under a temporary name beside the destination and
renamed at the end, so an interrupted backup never looks complete. Layout:

    DEST/manifest.json            versions, vendor, migration state, sha256 and size per file
    DEST/database.sqlite3         SQLite: a copy taken with the online backup API
    DEST/database.pgdump          PostgreSQL: pg_dump --format=custom
    DEST/media/...                MEDIA_ROOT without renditions (images/), which are rebuilt

A restore checks every file against the manifest before it changes anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from kisha.core.memo import generation_bump, memos_forget
from kisha.core.text import JST

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
DATABASE_FILES = {"sqlite": SQLITE_FILE, "postgresql": PG_FILE}
MEDIA = "media"
# Wagtail writes renditions here; they are derived from the originals and rebuilt on first view.
RENDITIONS = "images"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int
    bytes: int
    seconds: float
    folded_views: int | None


@dataclass(frozen=True)
class RestoreResult:
    files: int
    bytes: int
    seconds: float
    migrated: list[str]
    search_rebuilt: bool


# --- helpers ------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_synced(source: Path, target: Path) -> None:
    """Copy one file and flush it to disk, so a completed backup survives a power cut."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst, CHUNK)
        dst.flush()
        os.fsync(dst.fileno())
    shutil.copystat(source, target)


def vendor() -> str:
    return connection.vendor


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def migration_state() -> dict[str, str]:
    """The latest applied migration of each app, by name (migration names start with a number)."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _media_files(root: Path) -> list[Path]:
    """Every uploaded file under MEDIA_ROOT except renditions, in a stable order."""
    if not root.is_dir():
        return []
    files = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == RENDITIONS or not path.is_file() or path.is_symlink():
            continue
        files.append(path)
    return files


def _pg_command(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} が見つかりません。PostgreSQL のクライアント（Debian: postgresql-client）を"
            f"インストールし、PATH に {name} があるようにしてください。"
        )
    return found


def _pg_connection() -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore from the Django settings (the password goes in
    the environment, never on the command line where `ps` shows it)."""
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            f"{what} が失敗しました（終了コード {result.returncode}）:\n{result.stderr}"
        )


# --- backup ------------------------------------------------------------------------------------


def _database_dump(target: Path) -> None:
    if vendor() == "sqlite":
        # The online backup API copies a consistent snapshot while workers keep writing (WAL).
        source = sqlite3.connect(str(connection.settings_dict["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)
            # A copy in rollback-journal mode opens read-only without a -wal/-shm beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
            source.close()
        with target.open("rb+") as handle:
            os.fsync(handle.fileno())
    elif vendor() == "postgresql":
        args, env = _pg_connection()
        _run(
            [_pg_command("pg_dump"), "--format=custom", "--file", str(target), *args],
            env,
            "pg_dump",
        )
    else:
        raise BackupError(f"データベース {vendor()} のバックアップには対応していません。")


# Apps take part from their AppConfig.ready() (core imports no app, the slots pattern):
# `flush` writes what lives outside the database into it before the dump and returns how many
# views (rows) it wrote (the rankings' fold); `has_content` says whether the app holds anything
# a restore must not silently overwrite (wire items); `after_restore(migrated=, say=)` rebuilds
# derived data after a restore and returns True when it did (the search index).
_flush_hooks: list[Callable[[], int]] = []
_content_hooks: list[Callable[[], bool]] = []
_restore_hooks: list[Callable[..., bool]] = []


def register_backup_hooks(
    *,
    flush: Callable[[], int] | None = None,
    has_content: Callable[[], bool] | None = None,
    after_restore: Callable[..., bool] | None = None,
) -> None:
    for hooks, hook in (
        (_flush_hooks, flush),
        (_content_hooks, has_content),
        (_restore_hooks, after_restore),
    ):
        if hook is not None and hook not in hooks:
            hooks.append(hook)


def _fold_views() -> int | None:
    """Fold counted views first: counters still in Redis are not in the database, so a backup
    taken without folding would miss up to one fold interval of views."""
    if not _flush_hooks:
        return None
    try:
        return sum(flush() for flush in _flush_hooks)
    except Exception:  # a backup must not fail because the counters are unreachable
        return None


def backup_create(
    *, dest: Path, fold: bool = True, say: Callable[[str], None] | None = None
) -> BackupResult:
    """Write a complete backup directory at `dest`, which must not exist."""
    started = time.monotonic()
    dest = Path(dest).absolute()
    if dest.exists() or dest.is_symlink():
        raise BackupError(
            f"{dest} はすでにあります。上書きはしません。別の名前を指定してください。"
        )
    if not dest.parent.is_dir():
        raise BackupError(f"{dest.parent} がありません。")
    folded = _fold_views() if fold else None
    if say and fold:
        say(
            "閲覧数の集計: "
            + (f"{folded} 件" if folded is not None else "できませんでした（続行）")
        )

    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    # The backup holds password hashes and unpublished drafts: for the owner only.
    partial.mkdir(mode=0o700)
    try:
        database = partial / DATABASE_FILES.get(vendor(), "database")
        _database_dump(database)
        media_root = Path(settings.MEDIA_ROOT)
        for path in _media_files(media_root):
            try:
                _copy_synced(path, partial / MEDIA / path.relative_to(media_root))
            except FileNotFoundError:
                # Deleted since the listing (an editor removed an image): its row went with it.
                continue

        files = {}
        for path in sorted(p for p in partial.rglob("*") if p.is_file()):
            key = path.relative_to(partial).as_posix()
            files[key] = {"sha256": _sha256(path), "size": path.stat().st_size}
        manifest = {
            "format": FORMAT,
            "kisha_version": _version("kisha"),
            "vendor": vendor(),
            "created": dt.datetime.now(JST).isoformat(timespec="seconds"),
            "django": _version("Django"),
            "wagtail": _version("wagtail"),
            "python": platform.python_version(),
            "migrations": migration_state(),
            "renditions_included": False,
            "files": files,
        }
        manifest_path = partial / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        with manifest_path.open("rb") as handle:
            os.fsync(handle.fileno())
        for directory in sorted({p.parent for p in partial.rglob("*")}, reverse=True):
            _fsync_dir(directory)
        # The rename is the moment the backup becomes complete.
        os.rename(partial, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(
        path=dest,
        files=len(files),
        bytes=sum(entry["size"] for entry in files.values()),
        seconds=time.monotonic() - started,
        folded_views=folded,
    )


# --- restore -----------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    """A manifest entry may only name the database file or a file under media/."""
    path = PurePosixPath(name)
    if path.is_absolute() or "\\" in name or any(part in ("..", ".", "") for part in path.parts):
        return False
    if len(path.parts) == 1:
        return name in DATABASE_FILES.values()
    return path.parts[0] == MEDIA and path.parts[1] != RENDITIONS


def backup_read(*, src: Path) -> dict:
    """Read the manifest and verify every file it lists; raise BackupError naming the first
    problem. Nothing outside the backup is touched."""
    src = Path(src)
    if not src.is_dir():
        raise BackupError(f"{src} はバックアップのディレクトリではありません。")
    manifest_path = src / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{manifest_path} がありません。完全なバックアップではありません。")
    try:
        manifest = json.loads(manifest_path.read_text())
        files = manifest["files"]
        manifest["vendor"], manifest["migrations"]  # noqa: B018 - required keys
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{manifest_path} を読めません: {exc!r}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{manifest_path}: 形式 {manifest.get('format')!r} には対応していません。"
        )
    for name, entry in files.items():
        if not _safe_name(name):
            raise BackupError(f"{manifest_path}: 不正なファイル名 {name!r} を含むため拒否します。")
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("size"), int)
        ):
            raise BackupError(f"{manifest_path}: {name} の sha256 と size がありません。")
    database = DATABASE_FILES.get(manifest["vendor"])
    if database not in files:
        raise BackupError(f"{manifest_path}: データベースのファイル {database} がありません。")

    root = src.resolve()
    for name, entry in files.items():
        path = src / name
        if path.is_symlink():
            raise BackupError(f"{name} はシンボリックリンクです。拒否します。")
        if not path.is_file():
            raise BackupError(f"{name} がありません（不完全なバックアップ）。")
        if not path.resolve().is_relative_to(root):
            raise BackupError(f"{name} がバックアップの外を指しています。")
        if path.stat().st_size != entry["size"]:
            raise BackupError(
                f"{name} の大きさが違います（{path.stat().st_size} バイト、"
                f"マニフェストでは {entry['size']} バイト）。壊れたバックアップです。"
            )
        if _sha256(path) != entry["sha256"]:
            raise BackupError(
                f"{name} の sha256 がマニフェストと一致しません。壊れたバックアップです。"
            )
    return manifest


def _check_migrations(manifest: dict) -> None:
    """Refuse a backup from a newer release: its migrations are unknown to this code, and
    `migrate` could not bring it forward (only older backups migrate forward)."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    for app, name in manifest["migrations"].items():
        if (app, name) not in known:
            raise BackupError(
                f"バックアップのマイグレーション {app}.{name} はこのリリースにありません。"
                "新しいリリースのバックアップは、そのリリースで復元してください。"
            )


def database_has_content() -> bool:
    """True when the database holds anything an editor or reader made: users, images,
    documents, wire items or pages other than the root and Wagtail's placeholder page.
    A fresh or flushed database, with only what `migrate` creates, is empty."""
    if not connection.introspection.table_names():
        return False
    if not {Page._meta.db_table, get_user_model()._meta.db_table} <= set(
        connection.introspection.table_names()
    ):
        return True  # something, but not a Kisha database: never overwrite it silently
    return (
        get_user_model().objects.exists()
        or get_image_model().objects.exists()
        or get_document_model().objects.exists()
        or any(has_content() for has_content in _content_hooks)
        # Without get_for_model(), which would write a content type into a flushed database.
        or Page.objects.exclude(
            content_type__app_label="wagtailcore", content_type__model="page"
        ).exists()
    )


def _database_load(path: Path) -> None:
    connections.close_all()
    if vendor() == "sqlite":
        # Written through SQLite's backup API into the live file rather than renaming a file
        # over it: in WAL mode the old -wal/-shm files would be replayed onto a renamed-in file,
        # and a process that still has the database open would keep reading the unlinked one.
        # The copy runs as one write transaction, so it is atomic and every connection sees it.
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        # Tables a newer schema added are not in the dump and --clean would leave them; then
        # `migrate` would fail creating them. So the schema is emptied first.
        _pg_drop_tables()
        args, env = _pg_connection()
        _run(
            [
                _pg_command("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                # All or nothing, and one commit instead of one per object (about twice as fast).
                "--single-transaction",
                *args,
                str(path),
            ],
            env,
            "pg_restore",
        )
    connections.close_all()


def _pg_drop_tables() -> None:
    # One transaction: one commit instead of one per table (2 s for 190 tables), and all or none.
    with transaction.atomic(), connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        for name in names:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(name)} CASCADE")
    connections.close_all()


def _media_load(src: Path, manifest: dict) -> None:
    """Copy the backup's media into MEDIA_ROOT, each file under a temporary name then renamed,
    and empty the renditions folder (their rows are dropped too: they are rebuilt on view).
    Files in MEDIA_ROOT that the backup does not have are left alone."""
    media_root = Path(settings.MEDIA_ROOT)
    for name in manifest["files"]:
        if not name.startswith(MEDIA + "/"):
            continue
        target = media_root / PurePosixPath(name).relative_to(MEDIA)
        temporary = target.with_name(f".{target.name}.restoring")
        _copy_synced(src / name, temporary)
        os.replace(temporary, target)
    shutil.rmtree(media_root / RENDITIONS, ignore_errors=True)


def _renditions_forget() -> None:
    table = get_image_model().get_rendition_model()._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


def backup_restore(
    *, src: Path, force: bool = False, say: Callable[[str], None] | None = None
) -> RestoreResult:
    """Restore the backup at `src` into the configured database and MEDIA_ROOT."""
    started = time.monotonic()
    src = Path(src).absolute()
    manifest = backup_read(src=src)
    if manifest["vendor"] != vendor():
        raise BackupError(
            f"このバックアップは {manifest['vendor']} のものです。{vendor()} には復元できません。"
        )
    _check_migrations(manifest)
    if not force and database_has_content():
        raise BackupError(
            "データベースは空ではありません。上書きしてよければ --force を付けてください。"
        )

    _database_load(src / DATABASE_FILES[manifest["vendor"]])
    # Lookups this process made before the load may name rows of the database it replaced.
    ContentType.objects.clear_cache()
    memos_forget()
    if say:
        say("データベースを復元しました。")
    _media_load(src, manifest)
    if say:
        say("メディアを復元しました。")

    restored = set(MigrationRecorder(connection).applied_migrations())
    call_command("migrate", interactive=False, verbosity=0)
    applied = set(MigrationRecorder(connection).applied_migrations())
    migrated = sorted(f"{app}.{name}" for app, name in applied - restored)
    _renditions_forget()

    rebuilt = False
    for after_restore in _restore_hooks:
        rebuilt = after_restore(migrated=migrated, say=say) or rebuilt

    # Workers that keep running drop their memos and cached fragments.
    generation_bump()
    memos_forget()
    cache.clear()
    files = manifest["files"]
    return RestoreResult(
        files=len(files),
        bytes=sum(entry["size"] for entry in files.values()),
        seconds=time.monotonic() - started,
        migrated=migrated,
        search_rebuilt=rebuilt,
    )
