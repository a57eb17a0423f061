"""What a reader sees: the current issue, an issue's TOC, the archive, the products, the sidebar
and footer blocks, and the 本誌 … 掲載 line on an article."""

import datetime as dt

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kisha.magazine.factories import (
    IssuePageFactory,
    IssueTocEntryFactory,
    PrintProductPageFactory,
    ProductRetailerLinkFactory,
)
from kisha.magazine.models import ProductStatus, today_jst
from kisha.news.factories import ArticlePageFactory, KishaImageFactory


@pytest.fixture
def issues(magazine, image):
    """Three weekly issues in late 2025, the middle one combined; a fourth not yet on sale."""
    old = IssuePageFactory(
        parent=magazine, number=43, title="中国経済の岐路", cover_date=dt.date(2025, 10, 28)
    )
    combined = IssuePageFactory(
        parent=magazine,
        number=44,
        title="AIと雇用の未来",
        cover_date=dt.date(2025, 11, 4),
        cover_date_end=dt.date(2025, 11, 11),
        on_sale_date=dt.date(2025, 10, 28),
        cover_image=image,
        feature_lead="生成AIは仕事を奪うのか、それとも変えるのか。現場を歩いた。",
    )
    later = IssuePageFactory(
        parent=magazine, number=45, title="新しい冷戦", cover_date=dt.date(2025, 11, 18)
    )
    future_day = today_jst() + dt.timedelta(days=14)
    future = IssuePageFactory(
        parent=magazine,
        volume=41,
        number=1,
        title="まだ発売前の号",
        cover_date=future_day,
        on_sale_date=future_day - dt.timedelta(days=7),
    )
    return old, combined, later, future


def test_the_index_shows_the_issue_on_sale_now(client, magazine, issues):
    html = client.get(magazine.url).content.decode()
    assert "新しい冷戦" in html and "2025年11月18日号(11/11発売)" in html
    assert "まだ発売前の号" not in html.split("<aside")[0]


def test_an_issue_page_shows_its_toc_in_sections(client, magazine, issues, article, world):
    _, combined, _, _ = issues
    gone = ArticlePageFactory(parent=world, title="取り下げた記事")
    IssueTocEntryFactory(issue=combined, section="【編集長から】", title="AI時代の編集")
    IssueTocEntryFactory(issue=combined, section="Special Report", article=article, title="")
    IssueTocEntryFactory(issue=combined, section="Special Report", title="誌面だけの対談")
    IssueTocEntryFactory(issue=combined, section="Life/Style", article=gone, title="")
    gone.unpublish()
    response = client.get(combined.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "2025年11月 4日/2025年11月11日号(10/28発売)" in html
    assert html.index("【編集長から】") < html.index("Special Report") < html.index("Life/Style")
    assert f'href="{article.url}"' in html and article.title in html
    assert "誌面だけの対談" in html and "誌面のみ" in html
    assert "取り下げた記事" in html and f'href="{gone.url}"' not in html
    assert "第40巻第44号（合併号）" in html and "550円（税込）" in html
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_the_archive_lists_a_years_covers(client, magazine, issues):
    html = client.get(f"{magazine.url}archive/2025/").content.decode()
    assert "2025年のバックナンバー" in html
    assert "2025/11/4・11合併号（10/28発売）" in html
    assert "2025/10/28号" in html
    latest = client.get(f"{magazine.url}archive/").content.decode()
    assert f"{today_jst().year}年のバックナンバー" in latest or "2025年" in latest


@pytest.mark.parametrize("tail", ["archive/1999/", "archive/abc/", "archive/99999999999999/"])
def test_an_archive_year_without_issues_is_404(client, magazine, issues, tail):
    assert client.get(f"{magazine.url}{tail}").status_code == 404


def test_an_article_in_an_issue_shows_the_issue_it_appeared_in(client, issues, article):
    _, combined, _, _ = issues
    IssueTocEntryFactory(issue=combined, article=article, title="")
    html = client.get(article.url).content.decode()
    assert f'<a href="{combined.url}">本誌 2025年11月 4日/11日号 掲載</a>' in html


def test_an_article_in_no_issue_has_no_line(client, issues, article):
    assert "本誌" not in client.get(article.url).content.decode()


def test_the_sidebar_block_shows_the_current_issue_on_every_page(client, issues, article, home):
    _, combined, later, _ = issues
    for url in (article.url, home.url):
        html = client.get(url).content.decode()
        block = html.split('class="magazine-block"')[1].split("</section>")[0]
        assert "MAGAZINE" in html
        assert "新しい冷戦" in block and "2025年11月18日号(11/11発売)" in block
        assert f'href="{later.url}"' in block


def test_publishing_a_new_issue_replaces_the_sidebar_block(client, magazine, issues, article):
    assert "新しい冷戦" in client.get(article.url).content.decode()
    IssuePageFactory(
        parent=magazine, number=46, title="気候と安全保障", cover_date=dt.date(2025, 11, 25)
    )
    html = client.get(article.url).content.decode()
    block = html.split('class="magazine-block"')[1]
    assert "気候と安全保障" in block and "2025年11月25日号(11/18発売)" in block


def test_publishing_an_issue_purges_every_page_of_its_site(issues, home):
    from wagtail.models import Site

    from kisha.core import cachetags
    from kisha.news.services import tags_showing

    site = Site.objects.get(is_default_site=True)
    assert cachetags.site_tag(site.id) in tags_showing(page=issues[1])


@pytest.fixture
def products(products_index):
    today = today_jst()
    on_sale = PrintProductPageFactory(
        parent=products_index, title="MOOK 世界の家計簿", kind="mook", on_sale_date=today
    )
    ProductRetailerLinkFactory(product=on_sale, name="書店A")
    ProductRetailerLinkFactory(product=on_sale, name="書店B", url="https://b.example.jp/1")
    on_sale.save_revision().publish()
    soon = PrintProductPageFactory(
        parent=products_index,
        title="別冊 2027年の論点",
        on_sale_date=today + dt.timedelta(days=10),
        code="4910136051158",
    )
    ended = PrintProductPageFactory(
        parent=products_index,
        title="別冊 平成の30年",
        on_sale_date=today - dt.timedelta(days=400),
        sale_end_date=today - dt.timedelta(days=1),
    )
    by_hand = PrintProductPageFactory(
        parent=products_index,
        title="MOOK 品切れの本",
        on_sale_date=today - dt.timedelta(days=5),
        status_override=ProductStatus.ENDED,
    )
    return on_sale, soon, ended, by_hand


def test_product_status_follows_the_dates_unless_set_by_hand(products):
    on_sale, soon, ended, by_hand = products
    assert on_sale.status_label == "好評発売中"
    assert soon.status_label == "近日発売"
    assert ended.status_label == "販売終了"
    assert by_hand.status_label == "販売終了"
    assert ended.status_on(ended.sale_end_date) == ProductStatus.ON_SALE  # the last day counts


def test_the_product_list(client, products_index, products):
    html = client.get(products_index.url).content.decode()
    for title in ("MOOK 世界の家計簿", "別冊 2027年の論点", "別冊 平成の30年"):
        assert title in html
    for status in ("好評発売中", "近日発売", "販売終了"):
        assert status in html
    assert "書店A" in html and "書店B" in html


def test_a_product_page(client, products):
    html = client.get(products[1].url).content.decode()
    assert "JAN" in html and "4910136051158" in html and "近日発売" in html


def test_the_products_block_and_footer_leave_out_ended_products(client, products, article):
    html = client.get(article.url).content.decode()
    side = html.split('class="products-block"')[1].split("</section>")[0]
    assert "MOOK 世界の家計簿" in side and "別冊 2027年の論点" in side
    assert "平成の30年" not in side and "品切れの本" not in side
    foot = html.split('class="site-footer"')[1]
    assert "MOOK 世界の家計簿" in foot and "平成の30年" not in foot


def test_no_issue_and_no_product_means_no_block(client, article):
    html = client.get(article.url).content.decode()
    assert "magazine-block" not in html and "products-block" not in html


def test_an_issue_without_a_cover_still_reads(client, magazine):
    issue = IssuePageFactory(parent=magazine, cover_image=None)
    html = client.get(issue.url).content.decode()
    assert "issue-cover--none" in html and "第40巻" in html


def test_covers_are_served_from_renditions(client, magazine):
    issue = IssuePageFactory(parent=magazine, cover_image=KishaImageFactory())
    html = client.get(issue.url).content.decode()
    assert ".format-webp" in html or "webp" in html


def test_an_embargoed_article_in_a_toc_shows_only_what_the_issue_prints(
    client, magazine, issues, world
):
    """An article approved for a later go-live (never published) is named in the TOC only by
    the entry's printed title, without a link; an entry with no printed title waits. The issue
    page carries the article's cache tag, so its publication purges the TOC."""
    from django.utils import timezone

    from kisha.core.cachetags import page_tag
    from kisha.news.models import ArticlePage

    _, combined, _, _ = issues
    embargoed = ArticlePageFactory(
        parent=world, title="解禁前の見出し", slug="embargoed", live=False
    )
    ArticlePage.objects.filter(pk=embargoed.pk).update(first_published_at=None)
    embargoed.refresh_from_db()
    embargoed.go_live_at = timezone.now() + dt.timedelta(hours=2)
    embargoed.save_revision().publish()
    IssueTocEntryFactory(issue=combined, section="特集", article=embargoed, title="誌面の見出し")
    IssueTocEntryFactory(issue=combined, section="速報", article=embargoed, title="")

    response = client.get(combined.url)
    html = response.content.decode()
    assert "誌面の見出し" in html
    assert "解禁前の見出し" not in html and f'href="{embargoed.url}"' not in html
    assert "速報" not in html  # its only entry had nothing public to show
    assert page_tag(embargoed.pk) in response["xkey"].split()

    # Its time comes (the scheduler publishes it; here, published without the go-live).
    page = ArticlePage.objects.get(pk=embargoed.pk)
    page.go_live_at = None
    page.save_revision().publish()
    html = client.get(combined.url).content.decode()
    assert 'href="/world/embargoed/"' in html and "速報" in html


def test_issue_archive_and_products_are_shared_until_the_next_publish(
    client, magazine, issues, article, products_index, products
):
    _, combined, _, _ = issues
    IssueTocEntryFactory(issue=combined, section="Special Report", article=article, title="")
    combined.save_revision().publish()
    urls = (combined.url, f"{magazine.url}archive/2025/", products_index.url)
    cold, warm = {}, {}
    for url in urls:
        with CaptureQueriesContext(connection) as first:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as second:
            assert client.get(url).status_code == 200
        cold[url], warm[url] = len(first), len(second)
    assert all(warm[url] < cold[url] for url in urls), (cold, warm)
    # A publish is a new content generation: every page reads the change at once.
    article.title = "目次の見出しも変わる"
    article.save_revision().publish()
    assert "目次の見出しも変わる" in client.get(combined.url).content.decode()
    combined.title = "AIと雇用の未来（改題）"
    combined.save_revision().publish()
    assert "（改題）" in client.get(f"{magazine.url}archive/2025/").content.decode()
