"""Editors' pins and blocks per section, from the admin to the page and the reader's list."""

from __future__ import annotations

import json

import pytest

from django.db import transaction
from django.urls import reverse

from kisha.recommend.factories import RecommendRuleFactory
from kisha.recommend.models import RecommendRule
from kisha.recommend.rules import section_tag
from kisha.recommend.services import related_refresh

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


def main_list(client, url) -> str:
    html = client.get(url).content.decode()
    return html.split('data-recommend-part="main"')[1].split("</ol>")[0]


def test_a_blocked_article_leaves_and_a_pinned_one_leads_on_the_section_articles(
    client, newsroom, world
):
    related_refresh()
    reader = newsroom["korea"][0]
    blocked, pinned = newsroom["korea"][1], newsroom["markets"][3]
    assert blocked.url in main_list(client, reader.url)
    RecommendRuleFactory(section=world, article=blocked, action=RecommendRule.BLOCK)
    RecommendRuleFactory(section=world, article=pinned)
    shown = main_list(client, reader.url)
    assert blocked.url not in shown
    assert shown.index(pinned.url) < shown.index(newsroom["korea"][2].url)
    assert shown.split("</li>")[0].count(pinned.url) == 1

    api = client.post(
        "/api/recommend/",
        json.dumps({"history": [reader.id]}),
        content_type="text/plain",
        HTTP_USER_AGENT=BROWSER,
    ).content.decode()
    assert blocked.url not in api
    assert api.split("</li>")[0].count(pinned.url) == 1
    # A pinned article is never shown to a reader who read it, nor on its own page.
    assert pinned.url not in main_list(client, pinned.url)


def test_pages_are_tagged_by_section_and_a_rule_purges_them(
    client, newsroom, world, settings, django_capture_on_commit_callbacks, monkeypatch
):
    related_refresh()
    reader = newsroom["korea"][0]
    assert section_tag(world.id) in client.get(reader.url)["xkey"].split()
    settings.KISHA_PAGE_CACHE = True
    purged = []
    monkeypatch.setattr(
        "kisha.core.pagecache.tags_purge", lambda tags, hard=False: purged.extend(tags) or True
    )
    # The fixtures' saves left a purge batch waiting for a commit a test never makes.
    transaction.get_connection().__dict__.pop("_kisha_purge_batch", None)
    with django_capture_on_commit_callbacks(execute=True):
        RecommendRuleFactory(section=world, article=newsroom["korea"][1], action="block")
    assert section_tag(world.id) in purged


def test_the_admin_form_says_what_is_wrong_in_japanese(admin_client, newsroom, world):
    article = newsroom["korea"][1]
    RecommendRuleFactory(section=world, article=article)
    add = reverse("wagtailsnippets_recommend_recommendrule:add")
    response = admin_client.post(
        add, {"section": world.id, "article": article.id, "action": "block", "note": ""}
    )
    assert response.status_code == 200
    assert "このセクションには、この記事の設定がすでにあります。" in response.content.decode()
    response = admin_client.post(
        add, {"section": world.id, "article": article.id, "action": "explode", "note": "x" * 500}
    )
    assert response.status_code == 200
    assert RecommendRule.objects.count() == 1
    response = admin_client.post(
        add,
        {"section": world.id, "article": newsroom["korea"][2].id, "action": "pin", "note": ""},
    )
    assert response.status_code == 302
    assert RecommendRule.objects.count() == 2
    assert (
        admin_client.get(reverse("wagtailsnippets_recommend_recommendrule:list")).status_code == 200
    )
