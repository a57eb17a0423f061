"""Bad input in the series editor: each a Japanese error in the admin form, never a 500.
Every test posts Wagtail's own add/edit forms, as an editor's browser would."""

import pytest

from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data

from kisha.series.factories import SeriesPageFactory, series_fill
from kisha.series.models import SeriesPage


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-12345")
    client.force_login(user)
    return client


def form(*, title="旅の連載", slug="travel", seasons=(), items=(), **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "kicker": "連載",
            "description": "説明",
            "show_in_sidebar": "on",
            "seasons": inline_formset(list(seasons)),
            "items": inline_formset(list(items)),
            "action-publish": "publish",
            **extra,
        }
    )


def add(editor, parent, data):
    url = reverse("wagtailadmin_pages:add", args=("series", "seriespage", parent.id))
    return editor.post(url, data)


def edit(editor, page, data):
    return editor.post(reverse("wagtailadmin_pages:edit", args=(page.id,)), data)


def errors_of(response) -> str:
    """Every error message the re-rendered form carries, as one string."""
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    assert "error-message" in text or "help-critical" in text or "w-field__errors" in text
    return text


def test_a_good_series_is_published(editor, series_index, make_articles):
    first, second = make_articles(2)
    items = [{"page": first.id, "season": 1}, {"page": second.id, "season": 2}]
    response = add(editor, series_index, form(seasons=[{"number": 1}, {"number": 2}], items=items))
    assert response.status_code == 302
    page = SeriesPage.objects.get(slug="travel")
    assert page.live
    assert [(i.page_id, i.season) for i in page.items.order_by("sort_order")] == [
        (first.id, 1),
        (second.id, 2),
    ]


def test_the_same_article_twice(editor, series_index, make_articles):
    (article,) = make_articles(1)
    response = add(editor, series_index, form(items=[{"page": article.id}, {"page": article.id}]))
    text = errors_of(response)
    assert "1 番目にもあります" in text
    assert "同じ記事は一つの連載に一度だけ入れられます" in text
    assert not SeriesPage.objects.filter(slug="travel").exists()


def test_duplicate_season_numbers(editor, series_index, make_articles):
    (article,) = make_articles(1)
    data = form(seasons=[{"number": 1}, {"number": 1}], items=[{"page": article.id, "season": 1}])
    text = errors_of(add(editor, series_index, data))
    assert "シーズン1が重複しています" in text
    assert not SeriesPage.objects.filter(slug="travel").exists()


def test_a_season_the_series_does_not_have(editor, series_index, make_articles):
    first, second = make_articles(2)
    data = form(
        seasons=[{"number": 1}],
        items=[{"page": first.id, "season": 3}, {"page": second.id, "season": ""}],
    )
    text = errors_of(add(editor, series_index, data))
    assert "シーズン3はありません" in text
    assert "シーズン番号を選んでください" in text


def test_a_season_on_a_series_without_seasons(editor, series_index, make_articles):
    (article,) = make_articles(1)
    text = errors_of(add(editor, series_index, form(items=[{"page": article.id, "season": 2}])))
    assert "この連載にはシーズンがありません" in text


def test_a_series_inside_itself(editor, series):
    data = form(title=series.title, slug=series.slug, items=[{"page": series.id}])
    text = errors_of(edit(editor, series, data))
    assert "連載の中にその連載自身を入れることはできません" in text
    assert not series.items.filter(page_id=series.id).exists()


def test_a_loop_through_a_sub_series(editor, series, series_index):
    # outer ⊃ series; putting outer into series would make series ⊃ outer ⊃ series.
    outer = SeriesPageFactory(parent=series_index, title="総まとめ", slug="all")
    series_fill(outer, [series])
    data = form(title=series.title, slug=series.slug, items=[{"page": outer.id}])
    text = errors_of(edit(editor, series, data))
    assert "「総まとめ」はこの連載を含んでいるため入れられません" in text
    # Two levels down is a loop too.
    top = SeriesPageFactory(parent=series_index, title="全連載", slug="top")
    series_fill(top, [outer])
    data = form(title=series.title, slug=series.slug, items=[{"page": top.id}])
    assert "「全連載」はこの連載を含んでいるため" in errors_of(edit(editor, series, data))


def test_a_sub_series_without_a_loop_is_fine(editor, series, series_index):
    other = SeriesPageFactory(parent=series_index, title="別の連載", slug="other")
    data = form(title="総まとめ", slug="all", items=[{"page": series.id}, {"page": other.id}])
    assert add(editor, series_index, data).status_code == 302


def test_a_page_that_is_neither_an_article_nor_a_series(editor, series_index, world):
    text = errors_of(add(editor, series_index, form(items=[{"page": world.id}])))
    assert "「ワールド」は記事でも連載でもありません" in text


@pytest.mark.parametrize(
    "page", ["abc", "-1", "99999999", "1 OR 1=1", "<script>", "9" * 40], ids=repr
)
def test_malformed_and_hostile_page_ids(editor, series_index, page):
    response = add(editor, series_index, form(items=[{"page": page}]))
    assert response.status_code == 200
    assert not SeriesPage.objects.filter(slug="travel").exists()


@pytest.mark.parametrize("number", ["0", "-3", "1000", "x", "9" * 30, ""], ids=repr)
def test_malformed_season_numbers(editor, series_index, make_articles, number):
    (article,) = make_articles(1)
    data = form(seasons=[{"number": number}], items=[{"page": article.id}])
    assert add(editor, series_index, data).status_code == 200
    assert not SeriesPage.objects.filter(slug="travel").exists()


def test_oversized_fields(editor, series_index):
    data = form(
        kicker="長" * 500, description="長" * 5000, seasons=[{"number": 1, "title": "題" * 500}]
    )
    text = errors_of(add(editor, series_index, data))
    assert "文字以下" in text or "文字数" in text


def test_too_many_entries(editor, series_index, make_articles, settings):
    settings.KISHA_SERIES_MAX_ITEMS = 2
    pages = make_articles(3)
    text = errors_of(add(editor, series_index, form(items=[{"page": p.id} for p in pages])))
    assert "記事は 2 本までです（3 本あります）" in text


def test_an_unpublished_article_is_allowed_with_a_warning(editor, series_index, make_articles):
    (published, draft) = make_articles(2)
    draft.unpublish()
    data = form(items=[{"page": published.id}, {"page": draft.id}])
    response = editor.post(
        reverse("wagtailadmin_pages:add", args=("series", "seriespage", series_index.id)),
        data,
        follow=True,
    )
    assert response.status_code == 200
    assert "公開されるまで読者には表示されません" in response.content.decode()
    assert SeriesPage.objects.get(slug="travel").items.count() == 2


def test_preview_renders(editor, series):
    data = form(title=series.title, slug=series.slug, items=[])
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(series.id,))
    assert editor.post(url, data).json()["is_valid"]
    response = editor.get(url)
    assert response.status_code == 200
    assert series.title in response.content.decode()


def test_the_editor_offers_choosers_for_articles_and_series(editor, series_index, series):
    url = reverse("wagtailadmin_pages:add", args=("series", "seriespage", series_index.id))
    html = editor.get(url).content.decode()
    assert "news.articlepage" in html and "series.seriespage" in html
    html = editor.get(reverse("wagtailadmin_pages:edit", args=(series.id,))).content.decode()
    assert series.items.first().page.title in html  # the chosen article, shown by the chooser
