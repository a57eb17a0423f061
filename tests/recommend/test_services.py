"""Related lists: computed by the full refresh and on publish, never naming the article itself
or anything a reader may not see."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from django.utils import timezone

from wagtail.models import PageViewRestriction

from kisha.news.factories import ArticlePageFactory
from kisha.recommend.models import ArticleVector, RelatedArticle
from kisha.recommend.selectors import related_ids, related_items
from kisha.recommend.services import related_refresh, related_update

from .conftest import topic_of

pytestmark = pytest.mark.django_db


def test_refresh_relates_articles_of_one_topic_first(newsroom):
    summary = related_refresh()
    assert summary.articles == 12 and summary.tokenized == 12
    for key, group in newsroom.items():
        for page in group:
            ids = related_ids(article_id=page.id)
            assert page.id not in ids
            assert len(ids) == len(set(ids)) >= 3
            # The three other stories of the topic lead the list.
            assert {topic_of(newsroom, i) for i in ids[:3]} == {key}, (page.title, ids)


def test_refresh_tokenizes_only_what_changed(newsroom):
    related_refresh()
    again = related_refresh()
    assert again.tokenized == 0 and again.related > 0
    page = newsroom["korea"][0]
    type(page).objects.filter(id=page.id).update(last_published_at=timezone.now())
    assert related_refresh().tokenized == 1


def test_unpublished_restricted_and_embargoed_articles_drop_out(newsroom, world):
    related_refresh()
    gone, embargoed = newsroom["korea"][1], newsroom["korea"][2]
    reader = newsroom["korea"][0]
    assert gone.id in related_ids(article_id=reader.id)
    gone.unpublish()
    type(embargoed).objects.filter(id=embargoed.id).update(
        go_live_at=timezone.now() + dt.timedelta(days=1)
    )
    # Shown lists follow at once, before any recomputation...
    shown = [item.id for item in related_items(article_id=reader.id, limit=10)]
    assert gone.id not in shown and embargoed.id not in shown
    # ...and the next refresh forgets them.
    related_refresh()
    assert gone.id not in related_ids(article_id=reader.id)
    assert embargoed.id not in related_ids(article_id=reader.id)
    assert not ArticleVector.objects.filter(article_id__in=[gone.id, embargoed.id]).exists()

    PageViewRestriction.objects.create(page=world, restriction_type="password", password="x")
    related_refresh()
    assert RelatedArticle.objects.count() == 0
    assert related_items(article_id=reader.id, limit=10) == []


def test_publishing_ranks_the_new_article_at_once_and_offers_it_to_its_neighbours(
    newsroom, world, topics, django_capture_on_commit_callbacks
):
    related_refresh()
    page = ArticlePageFactory(
        parent=world,
        title="米朝、非核化協議を来月再開へ　制裁緩和の条件を調整",
        slug="korea-new",
        lead="米朝は非核化協議を来月にも再開することで一致した。",
        body=[("paragraph", "<p>北朝鮮は制裁緩和を求め、米国は非核化の検証を重視している。</p>")],
        primary_topic=topics["korea"],
        live=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    ids = related_ids(article_id=page.id)
    assert {topic_of(newsroom, i) for i in ids[:4]} == {"korea"}
    for neighbour in newsroom["korea"]:
        assert page.id in related_ids(article_id=neighbour.id)[:4]
    for neighbour in newsroom["typhoon"]:
        assert page.id not in related_ids(article_id=neighbour.id)[:3]

    started = time.perf_counter()
    related_update(article_id=page.id)
    assert time.perf_counter() - started < 1.0


def test_unpublishing_removes_the_article_own_list(newsroom, django_capture_on_commit_callbacks):
    related_refresh()
    page = newsroom["markets"][0]
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert related_ids(article_id=page.id) == []
    assert not ArticleVector.objects.filter(article_id=page.id).exists()


def test_an_article_never_relates_to_itself_even_with_a_corrupt_row(newsroom):
    related_refresh()
    page = newsroom["typhoon"][0]
    RelatedArticle.objects.filter(article_id=page.id, rank=1).update(related_id=page.id)
    assert page.id not in [item.id for item in related_items(article_id=page.id, limit=10)]


def test_short_lists_are_filled_from_the_topic_then_the_latest(newsroom):
    # Nothing computed yet: the block still has its size, from the topic first.
    page = newsroom["markets"][0]
    items = related_items(article_id=page.id, topic_id=page.primary_topic_id, limit=6)
    assert len(items) == 6 and page.id not in [i.id for i in items]
    assert {topic_of(newsroom, i.id) for i in items[:3]} == {"markets"}


def test_at_most_two_articles_of_one_series(newsroom, home, django_capture_on_commit_callbacks):
    """The issue's rule: a long series must not fill a related list. Three of the four Korea
    stories are one series; the fourth's list keeps two of them, and an unrelated story takes
    the third place. Publishing a fifth Korea story keeps to the rule too."""
    from kisha.series.factories import SeriesIndexPageFactory, SeriesPageFactory, series_fill

    korea = newsroom["korea"]
    series = SeriesPageFactory(parent=SeriesIndexPageFactory(parent=home), title="米朝協議の行方")
    series_fill(series, korea[1:])
    series.save_revision().publish()
    related_refresh()
    members = {page.id for page in korea[1:]}
    ids = related_ids(article_id=korea[0].id)
    assert len([i for i in ids if i in members]) == 2
    assert len(ids) == len(set(ids)) >= 3

    page = ArticlePageFactory(
        parent=korea[0].get_parent(),
        title="米朝、非核化協議を来月再開へ　制裁緩和の条件を調整",
        slug="korea-fifth",
        lead="米朝は非核化協議を来月にも再開することで一致した。",
        body=[("paragraph", "<p>北朝鮮は制裁緩和を求め、米国は非核化の検証を重視している。</p>")],
        primary_topic=korea[0].primary_topic,
        live=False,
    )
    series_fill(series, [page])
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    members.add(page.id)
    assert len([i for i in related_ids(article_id=page.id) if i in members]) <= 2
    for owner in (korea[0], *korea[1:]):
        assert len([i for i in related_ids(article_id=owner.id) if i in members]) <= 2
