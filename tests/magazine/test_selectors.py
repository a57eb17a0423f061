"""Issue, archive, current-issue and product pages cost the same number of queries however many
issues, TOC entries and products there are."""

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
from kisha.news.factories import ArticlePageFactory, KishaImageFactory

START = dt.date(2024, 1, 2)


def add_issues(magazine, world, *, first: int, count: int, entries: int):
    issues = []
    for n in range(first, first + count):
        issue = IssuePageFactory(
            parent=magazine,
            number=n + 1,
            cover_date=START + dt.timedelta(weeks=n),
            cover_image=KishaImageFactory(),
        )
        for e in range(entries):
            article = ArticlePageFactory(parent=world) if e % 2 else None
            IssueTocEntryFactory(
                issue=issue, section=f"S{e // 3}", article=article, title="" if article else "t"
            )
        issues.append(issue)
    return issues


def add_products(index, *, count: int):
    for _ in range(count):
        product = PrintProductPageFactory(parent=index, cover_image=KishaImageFactory())
        ProductRetailerLinkFactory(product=product)
        ProductRetailerLinkFactory(product=product, name="書店B")


def count_queries(client, url) -> int:
    client.get(url)  # renditions are built on the first request
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["issue", "archive", "current", "products", "article"])
def test_queries_do_not_grow(
    client, magazine, products_index, world, page, django_assert_num_queries
):
    def url():
        latest = magazine.get_children().specific().order_by("-path").first()
        return {
            "issue": lambda: latest.url,
            "archive": lambda: f"{magazine.url}archive/2024/",
            "current": lambda: magazine.url,
            "products": lambda: products_index.url,
            "article": lambda: ArticlePageFactory._meta.model.objects.first().url,
        }[page]()

    issues = add_issues(magazine, world, first=0, count=2, entries=2)
    add_products(products_index, count=1)
    IssueTocEntryFactory(issue=issues[0], article=ArticlePageFactory(parent=world), title="")
    few = count_queries(client, url())
    issues = add_issues(magazine, world, first=2, count=12, entries=12)
    add_products(products_index, count=8)
    for issue in issues[:3]:  # the article in several issues
        IssueTocEntryFactory(issue=issue, article=ArticlePageFactory._meta.model.objects.first())
    target = url()
    client.get(target)
    with django_assert_num_queries(few):
        client.get(target)
    assert few <= 14, f"{page}: {few} queries"
