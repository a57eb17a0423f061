"""記事化: a wire item becomes a draft article with its text, credit and original headline."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from django.utils import timezone

from kisha.news.models import ArticlePage
from kisha.wire.body import first_paragraph_text, html_to_blocks
from kisha.wire.models import WireItem, WireSource
from kisha.wire.services import WirePromoteError, wire_ingest_bytes, wire_item_promote
from tests.wire.conftest import ninjs_batch, ninjs_item

pytestmark = pytest.mark.django_db

BODY = (
    "<p>【ワシントン共同】米国務省は<strong>25日</strong>、"
    '<a href="https://example.com/x" onclick="evil()">声明</a>を出した。</p>'
    "<h2>交渉の焦点</h2><p>焦点は<em>制裁</em>の緩和にある。</p>"
    "<blockquote>対話を続ける</blockquote><script>alert(1)</script>"
    "<ul><li>一</li><li>二</li></ul>"
)


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("desk", "desk@example.com", "pw")


def make_item(source, **fields) -> WireItem:
    item = ninjs_item("urn:promote", 1, headline="米国務省が声明　非核化協議の再開求める", **fields)
    item["bodies"] = [{"role": "main", "contenttype": "text/html", "value": BODY}]
    item["by"] = "John Smith"
    item["descriptions"] = [
        {"role": "summary", "value": "米国務省は協議再開を求める声明を出した。"}
    ]
    wire_ingest_bytes(source=source, data=ninjs_batch(item))
    return WireItem.objects.get(guid="urn:promote")


def test_promote_creates_a_draft_under_the_mapped_section(source, world, editor):
    item = make_item(source)
    page = wire_item_promote(item=item, editor=editor)
    page = ArticlePage.objects.get(pk=page.pk)
    assert not page.live and page.has_unpublished_changes
    assert page.get_parent().specific == world
    assert page.title == "米国務省が声明　非核化協議の再開求める"
    assert page.original_headline == page.title
    assert page.original_author == "John Smith"
    assert page.wire_credit == "ロイター"
    assert page.owner == editor
    assert page.get_latest_revision().user == editor
    types = [block.block_type for block in page.body]
    assert types == ["paragraph", "heading", "paragraph", "quote", "paragraph"]
    first = page.body[0].value.source
    assert "<b>25日</b>" in first and 'href="https://example.com/x"' in first
    assert "onclick" not in first and "script" not in str(page.body.raw_data)
    item.refresh_from_db()
    assert item.article_id == page.pk  # the link back
    # The short URL every new article gets (news.services.article_slug_new), not wire-<id>.
    assert re.fullmatch(r"[0-9]{8}-[0-9]+", page.slug)


def test_promoting_twice_returns_the_same_draft(source, editor):
    item = make_item(source)
    first = wire_item_promote(item=item, editor=editor)
    second = wire_item_promote(item=item, editor=editor)
    assert first.pk == second.pk and ArticlePage.objects.count() == 1


def test_lead_falls_back_to_the_first_paragraph(source, editor):
    item = make_item(source)
    WireItem.objects.filter(pk=item.pk).update(summary="")
    page = wire_item_promote(item=item, editor=editor)
    assert page.lead.startswith("【ワシントン共同】米国務省は25日")


def test_without_a_section_promotion_explains_why(editor, db, home):
    source = WireSource.objects.create(name="AP", format="ninjs")
    item = make_item(source)
    with pytest.raises(WirePromoteError, match="セクション"):
        wire_item_promote(item=item, editor=editor)
    assert ArticlePage.objects.count() == 0


def test_a_canceled_item_cannot_be_promoted(source, editor):
    item = make_item(source, pubstatus="canceled")
    with pytest.raises(WirePromoteError, match="取消"):
        wire_item_promote(item=item, editor=editor)


def test_a_long_headline_fits_the_page_title(source, editor):
    item = make_item(source)
    WireItem.objects.filter(pk=item.pk).update(headline="長" * 900)
    item.refresh_from_db()
    page = wire_item_promote(item=item, editor=editor)
    assert len(page.title) == 255 and len(page.original_headline) == 300


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("", []),
        ("plain text only", [{"type": "paragraph", "value": "<p>plain text only</p>"}]),
        ("<p>  </p><p>a</p>", [{"type": "paragraph", "value": "<p>a</p>"}]),
        (
            "前文<br>次<h3>見出し</h3>後",
            [
                {"type": "paragraph", "value": "<p>前文</p>"},
                {"type": "paragraph", "value": "<p>次</p>"},
                {"type": "heading", "value": "見出し"},
                {"type": "paragraph", "value": "<p>後</p>"},
            ],
        ),
        ("<p>x &amp; &lt;y&gt;</p>", [{"type": "paragraph", "value": "<p>x &amp; &lt;y&gt;</p>"}]),
        ("<iframe src='x'></iframe><p>ok</p>", [{"type": "paragraph", "value": "<p>ok</p>"}]),
    ],
)
def test_html_to_blocks(markup, expected):
    assert html_to_blocks(markup) == expected


def test_first_paragraph_text_is_capped():
    assert first_paragraph_text("<h2>x</h2><p>" + "あ" * 50 + "</p>", 10) == "あ" * 10


def test_an_embargoed_item_becomes_a_draft_scheduled_for_the_embargo(source, editor):
    lift = timezone.now() + dt.timedelta(hours=3)
    item = make_item(source)
    WireItem.objects.filter(pk=item.pk).update(embargoed=lift)
    item.refresh_from_db()
    page = wire_item_promote(item=item, editor=editor)
    assert page.go_live_at == lift

    # The editor's 公開 before the embargo ends schedules it: not live, approved for then.
    revision = page.get_latest_revision()
    revision.publish(user=editor)
    page.refresh_from_db()
    assert not page.live
    assert page.revisions.get(approved_go_live_at__isnull=False).approved_go_live_at == lift


def test_a_lifted_embargo_does_not_hold_the_draft(source, editor):
    item = make_item(source)
    WireItem.objects.filter(pk=item.pk).update(embargoed=timezone.now() - dt.timedelta(minutes=1))
    item.refresh_from_db()
    page = wire_item_promote(item=item, editor=editor)
    assert page.go_live_at is None
