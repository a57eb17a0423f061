"""Every IPTC example in tests/fixtures/wire, end to end: ingested into WireItems, or
rejected with its reason in the source's error log — never a crash, never a half-written item."""

from __future__ import annotations

import pytest

from kisha.wire.models import WireIngestError, WireItem, WirePackage, WirePicture, WireSource
from kisha.wire.providers import guess_provider_name
from kisha.wire.services import wire_ingest_bytes
from tests.wire.test_fixtures import EXPECTED_REJECTED, FIXTURE_DIR, FIXTURES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("relative", FIXTURES)
def test_fixture_ingests_or_is_logged_with_a_reason(relative, world):
    data = (FIXTURE_DIR / relative).read_bytes()
    fmt = guess_provider_name(data) or ("ninjs" if relative.endswith(".json") else "newsml")
    source = WireSource.objects.create(name="IPTC", format=fmt, default_section=world)

    summary = wire_ingest_bytes(source=source, data=data, origin=relative)
    items = WireItem.objects.filter(source=source)
    errors = WireIngestError.objects.filter(source=source)
    item_count = items.count()
    if relative in EXPECTED_REJECTED:
        assert items.count() == 0
        assert errors.exists()
        assert any(EXPECTED_REJECTED[relative] in e.message for e in errors), list(errors)
    else:
        # Picture items and packages are items too (IPTC's sense), kept in their own tables;
        # pictures inside text items are stored for download but are not items of the document.
        embedded = {image["url"] for item in items for image in item.images}
        pictures = WirePicture.objects.filter(source=source).exclude(guid__in=embedded)
        stored = (
            items.count() + pictures.count() + WirePackage.objects.filter(source=source).count()
        )
        assert summary.ingested >= 1 and stored == summary.ingested
        assert all(item.headline and item.section_id == world.id for item in items)
        assert all(item.versions.count() == 1 for item in items)
    # And a second ingest of the same document changes nothing.
    again = wire_ingest_bytes(source=source, data=data, origin=relative)
    assert again.ingested == 0 and again.updated == 0
    assert WireItem.objects.filter(source=source).count() == item_count
