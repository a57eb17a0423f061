"""`manage.py wire_ingest PATH_OR_URL…`: files, folders, URLs, formats, sources and summaries."""

from __future__ import annotations

import io

import pytest

from django.core.management import CommandError, call_command

from kisha.wire.models import WireIngestError, WireItem, WireSource
from kisha.wire.services import MANUAL_SOURCE_NAME
from tests.wire.conftest import FIXTURE_DIR, LocalServer, ninjs_batch, ninjs_item, respond

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("wire_ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_files_are_ingested_and_summarised(tmp_path, db):
    path = tmp_path / "batch.json"
    path.write_bytes(ninjs_batch(ninjs_item("urn:1"), ninjs_item("urn:2"), {"type": "text"}))
    out, _ = run(str(path))
    assert f"{path}: ingested 2 / updated 0 / unchanged 0 / ignored-older 0 / errors 1" in out
    assert "total: ingested 2" in out
    source = WireSource.objects.get(name=MANUAL_SOURCE_NAME)
    assert not source.enabled  # a manual source is never polled

    path.write_bytes(ninjs_batch(ninjs_item("urn:1", 2), ninjs_item("urn:2", 0)))
    out, _ = run(str(path))
    assert "ingested 0 / updated 1 / unchanged 0 / ignored-older 1 / errors 0" in out


def test_a_folder_and_a_named_source(tmp_path, source):
    for name in ("004_simple_text_article.json", "003_associations_example.json"):
        (tmp_path / name).write_bytes((FIXTURE_DIR / "ninjs" / "2.2" / name).read_bytes())
    out, _ = run(str(tmp_path), "--source", "ロイター", "--format", "ninjs")
    # The associations example is a story and a package (its pictures are sent by reference).
    assert out.count("ingested 1") == 1 and out.count("ingested 2") == 1
    assert "total: ingested 3" in out
    assert WireItem.objects.filter(source=source).count() == 2


def test_a_broken_document_fails_the_command_after_the_others(tmp_path, db):
    (tmp_path / "a.json").write_bytes(ninjs_batch(ninjs_item("urn:1")))
    (tmp_path / "b.xml").write_bytes(b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x/>")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 document"):
        call_command("wire_ingest", str(tmp_path), stdout=io.StringIO(), stderr=err)
    assert "FAILED" in err.getvalue()
    assert WireItem.objects.count() == 1 and WireIngestError.objects.count() == 1


def test_missing_paths_and_bad_formats_are_refused(db):
    with pytest.raises(CommandError, match="no such file"):
        run("/no/such/thing")
    with pytest.raises(CommandError):
        run("x", "--format", "yaml")


def test_urls_go_through_the_safe_fetcher(db, local_server: LocalServer, settings):
    local_server.routes["/f"] = lambda r: respond(
        r, 200, ninjs_batch(ninjs_item("urn:u")), {"Content-Type": "application/json"}
    )
    with pytest.raises(CommandError):
        run(local_server.url("/f"))  # loopback refused by default
    assert "non-public" in WireIngestError.objects.get().message
    settings.KISHA_WIRE_ALLOW_PRIVATE_FETCH = True
    out, _ = run(local_server.url("/f"))
    assert "ingested 1" in out
