"""The demo's year of issues: weekly, with 合併号 at Golden Week, Obon and New Year."""

import datetime as dt

from kisha.magazine.demo import issue_dates, magazine_demo_build
from kisha.magazine.models import IssuePage, PrintProductPage, ProductStatus


def test_a_year_of_tuesdays_with_three_combined_issues():
    dates = issue_dates(today=dt.date(2026, 11, 29))
    covers = [cover for cover, _ in dates]
    assert all(cover.weekday() == 1 for cover in covers)
    assert covers[-1] == dt.date(2026, 12, 1)  # on sale since 11/24
    combined = [(c, e) for c, e in dates if e]
    assert [(c.month, e.month) for c, e in combined] == [(12, 1), (4, 5), (8, 8)]
    assert combined[0][0].year == 2025 and combined[0][1].year == 2026
    weeks = sum(2 if end else 1 for _, end in dates)
    assert weeks == 52


def test_the_demo_builds_once(home, world, image):
    from django.utils import timezone

    from kisha.news.factories import ArticlePageFactory

    for days in (10, 12, 15, 300):
        ArticlePageFactory(
            parent=world, first_published_at=timezone.now() - dt.timedelta(days=days)
        )
    summary = magazine_demo_build(seed=1, fast=True)
    assert summary.combined == 3 and summary.products == 3
    assert IssuePage.objects.count() == summary.issues == 49
    again = magazine_demo_build(seed=1, fast=True)
    assert IssuePage.objects.count() == again.issues
    for issue in IssuePage.objects.all():
        issue.full_clean()  # every demo issue passes the desk's own checks
    statuses = {p.status for p in PrintProductPage.objects.all()}
    assert statuses == {ProductStatus.ON_SALE, ProductStatus.UPCOMING, ProductStatus.ENDED}
    from kisha.magazine.models import IssueTocEntry

    printed = IssueTocEntry.objects.exclude(article=None)
    assert printed.exists()
    assert printed.count() == printed.values("article").distinct().count()  # each story once
    for entry in printed.select_related("issue", "article"):
        assert entry.article.first_published_at.date() < entry.issue.on_sale_date
