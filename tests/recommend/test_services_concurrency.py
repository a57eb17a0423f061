"""Publications at the same moment, each on its own database connection, rewrite the related
lists of the same neighbours without colliding (they once both inserted rank 1 into one list:
IntegrityError recommend_related_rank on PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from django.db import connection

from kisha.recommend.models import RelatedArticle
from kisha.recommend.services import related_refresh, related_update
from tests.processes import wagtail_initial_data_restore


@pytest.fixture(autouse=True)
def wagtail_initial_data(transactional_db):
    """A transactional test's flush removed Wagtail's root page, locale and collection."""
    wagtail_initial_data_restore()


def test_simultaneous_updates_keep_every_list_whole(newsroom):
    related_refresh()
    # Every story of a topic is in every other's list: four updates at once all rewrite the
    # same four lists, five times over.
    articles = [page.id for group in newsroom.values() for page in group]
    rounds = 5
    barrier = threading.Barrier(len(articles))
    errors: list[BaseException] = []

    def publish(article_id: int) -> None:
        try:
            for _ in range(rounds):
                barrier.wait(timeout=60)
                related_update(article_id=article_id)
        except BaseException as error:  # noqa: BLE001  (reported by the test below)
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(i,)) for i in articles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]
    for article_id in articles:
        ranks = list(
            RelatedArticle.objects.filter(article_id=article_id).values_list("rank", flat=True)
        )
        assert ranks == list(range(1, len(ranks) + 1)) and ranks, (article_id, ranks)
