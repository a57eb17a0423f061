"""Ingest end to end: idempotent, versioned, withheld/canceled, malformed entries, crash + rerun."""

from __future__ import annotations

import datetime as dt

import pytest

from django.utils import timezone

from kisha.wire import ingest
from kisha.wire.models import WireIngestError, WireIngestRun, WireItem, WireItemVersion
from kisha.wire.selectors import ticker_items
from kisha.wire.services import wire_ingest_bytes, wire_item_promote
from tests.wire.conftest import ninjs_batch, ninjs_item

pytestmark = pytest.mark.django_db


def ingest_items(source, *items):
    return wire_ingest_bytes(source=source, data=ninjs_batch(*items), origin="test")


def snapshot() -> list[tuple]:
    """Everything ingest writes, without ids or receipt times: what 'the same state' means."""
    items = sorted(
        WireItem.objects.values_list(
            "guid", "version", "headline", "pubstatus", "urgency", "section_id", "content_hash"
        )
    )
    versions = sorted(
        WireItemVersion.objects.values_list("item__guid", "version", "headline", "content_hash")
    )
    return [*items, *versions]


def test_new_items_are_ingested_with_sections_from_the_mapping(source, world, business):
    summary = ingest_items(
        source,
        ninjs_item("urn:a", subjects=[{"code": "subj:04000000", "name": "economy"}]),
        ninjs_item("urn:b", subjects=[{"name": "World"}]),
        ninjs_item("urn:c", subjects=[]),
    )
    assert (summary.ingested, summary.updated, summary.errors) == (3, 0, 0)
    sections = dict(WireItem.objects.values_list("guid", "section_id"))
    assert sections == {"urn:a": business.id, "urn:b": world.id, "urn:c": world.id}
    run = WireIngestRun.objects.get()
    assert run.status == WireIngestRun.Status.OK and run.ingested == 3 and run.finished_at


def test_the_same_item_twice_is_one_item(source):
    ingest_items(source, ninjs_item("urn:a"))
    summary = ingest_items(source, ninjs_item("urn:a"))
    assert (summary.ingested, summary.unchanged) == (0, 1)
    assert WireItem.objects.count() == 1 and WireItemVersion.objects.count() == 1


def test_a_newer_version_updates_and_keeps_history(source):
    ingest_items(source, ninjs_item("urn:a", 1, headline="第一報"))
    summary = ingest_items(source, ninjs_item("urn:a", 2, headline="続報"))
    assert summary.updated == 1
    item = WireItem.objects.get()
    assert (item.version, item.headline) == (2, "続報")
    assert list(item.versions.values_list("version", "headline")) == [(2, "続報"), (1, "第一報")]


def test_an_older_version_is_ignored(source):
    ingest_items(source, ninjs_item("urn:a", 3, headline="第三版"))
    summary = ingest_items(source, ninjs_item("urn:a", 2, headline="第二版"))
    assert (summary.ignored_older, summary.updated) == (1, 0)
    assert WireItem.objects.get().headline == "第三版"
    assert WireItemVersion.objects.count() == 1


def test_same_version_with_new_content_is_a_correction_in_place(source):
    ingest_items(source, ninjs_item("urn:a", 1, headline="誤字あり"))
    summary = ingest_items(source, ninjs_item("urn:a", 1, headline="誤字なし"))
    assert summary.updated == 1
    assert WireItem.objects.get().headline == "誤字なし"
    assert list(WireItemVersion.objects.values_list("version", "headline")) == [(1, "誤字なし")]


def test_duplicates_in_one_batch_keep_the_highest_version(source):
    summary = ingest_items(
        source,
        ninjs_item("urn:a", 2, headline="二"),
        ninjs_item("urn:a", 5, headline="五"),
        ninjs_item("urn:a", 3, headline="三"),
    )
    assert summary.ingested == 1
    assert WireItem.objects.get().headline == "五"


def test_items_of_different_sources_do_not_collide(source):
    from kisha.wire.models import WireSource

    other = WireSource.objects.create(name="共同通信", format="ninjs")
    ingest_items(source, ninjs_item("urn:a"))
    ingest_items(other, ninjs_item("urn:a"))
    assert WireItem.objects.count() == 2


@pytest.mark.parametrize("status", ["withheld", "canceled"])
def test_withheld_or_canceled_leaves_the_ticker_and_unpublishes_the_story(
    source, status, django_user_model
):
    editor = django_user_model.objects.create_superuser("desk", "d@example.com", "x")
    ingest_items(source, ninjs_item("urn:a", 1, headline="速報の見出し"))
    assert [card.headline for card in ticker_items()] == ["速報の見出し"]
    article = wire_item_promote(item=WireItem.objects.get(), editor=editor)
    article.save_revision(user=editor).publish()
    article.refresh_from_db()
    assert article.live

    ingest_items(source, ninjs_item("urn:a", 2, headline="速報の見出し", pubstatus=status))
    item = WireItem.objects.get()
    assert item.pubstatus == status and item.article_id == article.id  # record kept
    assert ticker_items() == []
    article.refresh_from_db()
    assert not article.live


def test_a_malformed_entry_is_logged_and_the_rest_ingested(source):
    summary = ingest_items(
        source,
        ninjs_item("urn:good-1"),
        {"uri": "urn:bad", "type": "text", "headline": "x", "urgency": "very"},
        {"type": "text"},
        ninjs_item("urn:good-2"),
    )
    assert (summary.ingested, summary.errors) == (2, 2)
    errors = list(WireIngestError.objects.order_by("position").values_list("position", "guid"))
    assert errors == [(1, "urn:bad"), (2, "")]
    assert "urgency" in WireIngestError.objects.get(position=1).message
    assert WireIngestRun.objects.get().status == WireIngestRun.Status.PARTIAL


def test_a_crash_midway_and_a_rerun_end_in_the_same_state(source, monkeypatch):
    items = [ninjs_item(f"urn:{n}", 1 + n % 3) for n in range(1200)]
    document = ninjs_batch(*items)
    # The state one clean run produces, on a copy of the source.
    from kisha.wire.models import WireSource

    calls = {"n": 0}
    real_apply = ingest.apply_chunk

    def crashing_apply(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed mid-batch")
        return real_apply(**kwargs)

    monkeypatch.setattr("kisha.wire.services.apply_chunk", crashing_apply)
    with pytest.raises(RuntimeError, match="worker killed"):
        wire_ingest_bytes(source=source, data=document)
    assert WireItem.objects.count() == ingest.CHUNK_SIZE  # only whole chunks
    failed = WireIngestRun.objects.get()
    assert failed.status == WireIngestRun.Status.FAILED and "worker killed" in failed.message

    monkeypatch.setattr("kisha.wire.services.apply_chunk", real_apply)
    rerun = wire_ingest_bytes(source=source, data=document)
    assert (rerun.unchanged, rerun.ingested) == (ingest.CHUNK_SIZE, 1200 - ingest.CHUNK_SIZE)
    crashed_then_rerun = snapshot()

    WireItem.objects.all().delete()
    clean = WireSource.objects.create(
        name="clean", format="ninjs", default_section=source.default_section
    )
    for row in source.mappings.all():
        clean.mappings.create(code=row.code, section=row.section, sort_order=row.sort_order)
    clean.save()
    wire_ingest_bytes(source=clean, data=document)
    assert snapshot() == crashed_then_rerun
    # And a third run changes nothing.
    again = wire_ingest_bytes(source=clean, data=document)
    assert (again.unchanged, again.ingested, again.updated) == (1200, 0, 0)


def test_a_crash_between_withdrawal_and_unpublish_cannot_leave_a_story_live(
    source, monkeypatch, django_user_model
):
    editor = django_user_model.objects.create_superuser("desk", "d@example.com", "x")
    ingest_items(source, ninjs_item("urn:a", 1))
    article = wire_item_promote(item=WireItem.objects.get(), editor=editor)
    article.save_revision(user=editor).publish()

    def boom(**kwargs):
        raise RuntimeError("crash while unpublishing")

    monkeypatch.setattr(ingest, "withdraw_articles", boom)
    with pytest.raises(RuntimeError):
        ingest_items(source, ninjs_item("urn:a", 2, pubstatus="canceled"))
    assert WireItem.objects.get().pubstatus == "usable"  # the whole chunk rolled back
    monkeypatch.undo()
    ingest_items(source, ninjs_item("urn:a", 2, pubstatus="canceled"))
    article.refresh_from_db()
    assert not article.live and WireItem.objects.get().pubstatus == "canceled"


def test_future_times_do_not_pin_an_item_atop_the_ticker(source):
    ingest_items(source, ninjs_item("urn:future", versioncreated="2099-01-01T00:00:00+00:00"))
    assert WireItem.objects.get().item_time <= timezone.now()


def test_embargoed_items_stay_off_the_ticker_until_the_embargo_lifts(source):
    later = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    ingest_items(source, ninjs_item("urn:embargo", embargoed=later))
    assert WireItem.objects.count() == 1
    assert ticker_items() == []
    WireItem.objects.update(embargoed=timezone.now() - dt.timedelta(minutes=1))
    assert len(ticker_items()) == 1


def test_an_unknown_format_fails_the_run_with_a_reason(source):
    source.format = ""
    summary = wire_ingest_bytes(source=source, data=b"just some text")
    assert summary.failed_documents == 1
    assert WireItem.objects.count() == 0
    assert "形式を判別できません" in WireIngestError.objects.get().message
    source.refresh_from_db()
    assert "形式を判別できません" in source.last_error
