"""The backend finds Japanese words inside sentences, on whichever database the tests run."""

import pytest

from django.db import connection

from wagtail.models import Page

from kisha.news.models import ArticlePage
from kisha.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def _titles(qs) -> list[str]:
    return [p.title for p in qs]


def test_publish_indexes_the_article(stories):
    assert SearchDocument.objects.filter(object_id=str(stories["kim"].pk)).exists()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("金正恩", ["kim"]),
        ("非核", ["kim"]),
        ("株", ["stocks"]),
        ("引っ越し", ["moving"]),
        ("引越し", ["moving"]),
        ("非核化 -北朝鮮", []),
        ("日本株　続伸", ["stocks"]),
        ('"株が続伸"', ["stocks"]),
    ],
)
def test_search_finds(stories, q, expected):
    results = ArticlePage.objects.live().search(q)
    assert sorted(p.slug for p in results) == expected


def test_page_search_in_admin_finds_it(stories):
    assert "kim" in [p.slug for p in Page.objects.search("金正恩")]


def test_edit_reindexes(stories):
    page = stories["stocks"]
    page.title = "円相場が急落"
    page.save_revision().publish()
    assert not ArticlePage.objects.search("続伸")
    assert [p.slug for p in ArticlePage.objects.search("円相場")] == ["stocks"]


def test_delete_removes_from_index(stories):
    pk = stories["kim"].pk
    stories["kim"].delete()
    assert not SearchDocument.objects.filter(object_id=str(pk)).exists()
    assert not ArticlePage.objects.search("金正恩")


def test_vendor(stories):
    assert connection.vendor in ("sqlite", "postgresql")
