"""factory_boy factories for the magazine's pages, used by tests and benchmarks."""

from __future__ import annotations

import datetime as dt

import factory
import wagtail_factories

from .models import (
    IssuePage,
    IssueTocEntry,
    MagazineIndexPage,
    PrintProductPage,
    ProductIndexPage,
    ProductRetailerLink,
)


class MagazineIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = MagazineIndexPage

    title = "マガジン"
    slug = "magazine"


class IssuePageFactory(wagtail_factories.PageFactory):
    """Weekly issues a week apart from 2025-01-07 (Tuesdays), on sale a week before."""

    class Meta:
        model = IssuePage

    title = factory.Sequence(lambda n: f"特集 第{n}回 日本経済の行方")
    volume = 40
    # Wraps within the field's 1–999, however many issues a test session makes.
    number = factory.Sequence(lambda n: n % 999 + 1)
    cover_date = factory.Sequence(lambda n: dt.date(2025, 1, 7) + dt.timedelta(weeks=n))
    on_sale_date = factory.LazyAttribute(lambda o: o.cover_date - dt.timedelta(days=7))
    slug = factory.LazyAttribute(lambda o: o.cover_date.isoformat())
    price = 550
    feature_lead = "物価と賃金の綱引きが続くなか、家計と企業はどこへ向かうのか。"


class IssueTocEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssueTocEntry

    section = "Special Report"
    title = factory.Sequence(lambda n: f"誌面の記事{n}")


class ProductIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ProductIndexPage

    title = "出版物"
    slug = "products"


class PrintProductPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PrintProductPage

    title = factory.Sequence(lambda n: f"別冊 世界の読み方{n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    kind = PrintProductPage.Kind.BESSATSU
    on_sale_date = dt.date(2025, 10, 1)
    price = 1320
    code = "9784065211236"


class ProductRetailerLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductRetailerLink

    name = "書店A"
    url = "https://books.example.jp/item/1"
