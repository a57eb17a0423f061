"""The desk editor's forms: posted to the Wagtail admin as an editor would, bad input answered
with a clear Japanese message on the form, never a 500."""

import datetime as dt

import pytest

from wagtail.test.utils.form_data import inline_formset, nested_form_data

from kisha.magazine.factories import IssuePageFactory, PrintProductPageFactory
from kisha.magazine.models import IssuePage, PrintProductPage


def issue_form(**overrides):
    data = {
        "title": "AIと雇用の未来",
        "slug": "",
        "volume": 40,
        "number": 44,
        "cover_date": "2025-11-04",
        "cover_date_end": "2025-11-11",
        "on_sale_date": "2025-10-28",
        "price": 550,
        "feature_lead": "生成AIは仕事を奪うのか、それとも変えるのか。",
        "toc_entries": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def add_issue(admin_client, magazine, **overrides):
    return admin_client.post(
        f"/admin/pages/add/magazine/issuepage/{magazine.id}/",
        {**issue_form(**overrides), "action-publish": "publish"},
    )


def form_errors(response):
    form = response.context["form"]
    return form.errors, [f.errors for formset in form.formsets.values() for f in formset.forms]


def errors_of(response) -> str:
    assert response.status_code == 200, response.status_code  # the form again, not a redirect
    return response.content.decode()


def test_a_combined_issue_is_published_from_the_admin_with_its_toc(admin_client, magazine, article):
    response = add_issue(
        admin_client,
        magazine,
        toc_entries=inline_formset(
            [
                {"section": "【編集長から】", "title": "今週の一冊", "byline": "編集長"},
                {"section": "Special Report", "article": article.id, "title": ""},
                {"section": "Special Report", "title": "誌面だけの分析", "print_page": 24},
            ]
        ),
    )
    assert response.status_code == 302, form_errors(response)
    issue = IssuePage.objects.get()
    assert issue.live and issue.slug == "2025-11-04"
    assert issue.label == "2025年11月 4日/2025年11月11日号(10/28発売)"
    assert [e.section for e in issue.toc_entries.all()] == [
        "【編集長から】",
        "Special Report",
        "Special Report",
    ]


def test_the_toc_editor_offers_the_default_sections_and_a_page_chooser(admin_client, magazine):
    html = admin_client.get(f"/admin/pages/add/magazine/issuepage/{magazine.id}/").content.decode()
    assert "<datalist" in html and "【編集長から】" in html and "World Affairs" in html
    assert "特集タイトル" in html


def test_an_on_sale_date_after_the_cover_date_is_refused(admin_client, magazine):
    html = errors_of(add_issue(admin_client, magazine, on_sale_date="2025-11-05"))
    assert "発売日（2025年11月5日）が表紙の日付（2025年11月4日）より後です" in html
    assert not IssuePage.objects.exists()


def test_a_duplicate_issue_number_is_refused(admin_client, magazine):
    IssuePageFactory(parent=magazine, volume=40, number=44, cover_date=dt.date(2025, 10, 28))
    html = errors_of(add_issue(admin_client, magazine))
    assert "第40巻第44号はすでにあります" in html
    assert IssuePage.objects.count() == 1


def test_overlapping_combined_issues_are_refused(admin_client, magazine):
    IssuePageFactory(
        parent=magazine,
        number=43,
        cover_date=dt.date(2025, 10, 28),
        cover_date_end=dt.date(2025, 11, 4),
    )
    html = errors_of(add_issue(admin_client, magazine))
    assert "2025年10月28日/11月 4日号（第40巻第43号）と重なっています" in html
    # A single issue inside another's range is an overlap too.
    html = errors_of(
        add_issue(admin_client, magazine, cover_date="2025-11-04", cover_date_end="", number=45)
    )
    assert "と重なっています" in html
    assert IssuePage.objects.count() == 1


def test_a_combined_issue_that_ends_before_it_starts_is_refused(admin_client, magazine):
    html = errors_of(add_issue(admin_client, magazine, cover_date_end="2025-11-01"))
    assert "合併号の最後の日付（2025年11月1日）は表紙の日付（2025年11月4日）より後に" in html


def test_a_toc_entry_needs_an_article_or_a_title(admin_client, magazine):
    html = errors_of(
        add_issue(admin_client, magazine, toc_entries=inline_formset([{"section": "Features"}]))
    )
    assert "ウェブ記事を選ぶか、誌面のみの記事の見出しを入力してください" in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cover_date", "2025-13-45"),
        ("cover_date", "<script>"),
        ("price", "-1"),
        ("price", "9" * 30),
        ("volume", "abc"),
        ("number", "0"),
        ("title", "見" * 300),
        ("feature_lead", "あ" * 5000),
        ("on_sale_date", ""),
    ],
)
def test_malformed_and_oversized_fields_are_form_errors(admin_client, magazine, field, value):
    response = add_issue(admin_client, magazine, **{field: value})
    assert response.status_code == 200
    assert not IssuePage.objects.exists()


def test_editing_an_issue_keeps_its_own_number_and_dates(admin_client, magazine):
    issue = IssuePageFactory(parent=magazine)
    data = issue_form(
        title=issue.title,
        slug=issue.slug,
        volume=issue.volume,
        number=issue.number,
        cover_date=issue.cover_date.isoformat(),
        cover_date_end="",
        on_sale_date=issue.on_sale_date.isoformat(),
    )
    response = admin_client.post(
        f"/admin/pages/{issue.id}/edit/", {**data, "action-publish": "publish"}
    )
    assert response.status_code == 302


def test_the_issue_preview_renders(admin_client, magazine):
    url = f"/admin/pages/add/magazine/issuepage/{magazine.id}/preview/"
    response = admin_client.post(url, issue_form())
    assert response.status_code == 200 and response.json()["is_valid"]
    html = admin_client.get(url).content.decode()
    assert "AIと雇用の未来" in html and "2025年11月 4日/2025年11月11日号(10/28発売)" in html


def product_form(**overrides):
    data = {
        "title": "別冊 世界の読み方2026",
        "slug": "world-2026",
        "kind": "bessatsu",
        "description": "",
        "on_sale_date": "2025-12-10",
        "sale_end_date": "",
        "price": 1320,
        "code": "978-4-06-521123-6",
        "status_override": "",
        "retailer_links": inline_formset(
            [{"name": "書店A", "url": "https://books.example.jp/item/1"}]
        ),
    }
    data.update(overrides)
    return nested_form_data(data)


def add_product(admin_client, index, **overrides):
    return admin_client.post(
        f"/admin/pages/add/magazine/printproductpage/{index.id}/",
        {**product_form(**overrides), "action-publish": "publish"},
    )


def test_a_product_is_published_with_its_code_normalised(admin_client, products_index):
    response = add_product(admin_client, products_index)
    assert response.status_code == 302, form_errors(response)
    product = PrintProductPage.objects.get()
    assert product.code == "9784065211236" and product.retailer_links.count() == 1


def test_a_wrong_isbn_check_digit_is_refused(admin_client, products_index):
    html = errors_of(add_product(admin_client, products_index, code="978-4-06-521123-7"))
    assert "ISBNのチェックディジット（最後の1桁）が正しくありません" in html
    assert not PrintProductPage.objects.exists()


def test_a_wrong_jan_check_digit_is_refused(admin_client, products_index):
    html = errors_of(add_product(admin_client, products_index, code="4910136051150"))
    assert "JANのチェックディジット" in html


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"code": "12345"}, "13桁"),
        ({"code": "x" * 100}, "40 文字以下"),
        (
            {"sale_end_date": "2025-12-01"},
            "販売終了日（2025年12月1日）が発売日（2025年12月10日）より前です",
        ),
        (
            {"retailer_links": inline_formset([{"name": "罠", "url": "javascript:alert(1)"}])},
            "URL",
        ),
    ],
)
def test_bad_product_input(admin_client, products_index, overrides, fragment):
    html = errors_of(add_product(admin_client, products_index, **overrides))
    assert fragment in html
    assert not PrintProductPage.objects.exists()


def test_a_product_made_elsewhere_with_a_bad_code_cannot_be_saved(products_index):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        PrintProductPageFactory(parent=products_index, code="9784065211230")


def test_the_menu_leads_to_the_issues_and_a_new_issue_form(admin_client, magazine, products_index):
    assert "/admin/magazine/" in admin_client.get("/admin/").content.decode()
    assert admin_client.get("/admin/magazine/").url == f"/admin/pages/{magazine.id}/"
    new = admin_client.get("/admin/magazine/new-issue/").url
    assert new == f"/admin/pages/add/magazine/issuepage/{magazine.id}/"
    assert admin_client.get(new).status_code == 200
    assert admin_client.get("/admin/magazine/products/").url == f"/admin/pages/{products_index.id}/"


def test_the_menu_links_answer_404_before_the_indexes_exist(admin_client, home):
    assert admin_client.get("/admin/magazine/new-issue/").status_code == 404


def test_readers_cannot_reach_the_admin_shortcuts(client, magazine):
    assert client.get("/admin/magazine/new-issue/").status_code == 302  # to the login


def test_the_product_preview_renders_with_its_status(admin_client, products_index):
    url = f"/admin/pages/add/magazine/printproductpage/{products_index.id}/preview/"
    assert admin_client.post(url, product_form()).json()["is_valid"]
    html = admin_client.get(url).content.decode()
    assert "別冊 世界の読み方2026" in html and "ISBN" in html


def test_the_toc_article_field_is_a_page_chooser_for_articles(admin_client, magazine):
    html = admin_client.get(f"/admin/pages/add/magazine/issuepage/{magazine.id}/").content.decode()
    assert "news.articlepage" in html.lower() or "articlepage" in html.lower()
    assert "page-chooser" in html or "PageChooser" in html


@pytest.mark.parametrize("value", ["abc", "1 OR 1=1", "<script>", "9" * 40, "-1"], ids=repr)
def test_malformed_chooser_ids_are_form_errors_not_500s(admin_client, magazine, value):
    """Wagtail's choosers look a posted id up again to show the form with its errors; a value
    that is not an id must give the field's own message (kisha.core.choosers)."""
    response = add_issue(
        admin_client,
        magazine,
        cover_image=value,
        toc_entries=inline_formset([{"section": "Features", "article": value, "title": ""}]),
    )
    assert response.status_code == 200
    assert not IssuePage.objects.exists()
