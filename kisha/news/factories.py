"""factory_boy factories for news pages, used by tests and benchmarks."""

from __future__ import annotations

import datetime as dt
import io

import factory
import wagtail_factories
from PIL import Image as PILImage

from django.core.files.images import ImageFile
from django.utils import timezone

from kisha.core.memo import generation_bump
from kisha.core.models import KishaImage

from .models import ArticlePage, Author, SectionPage, TopicIndexPage, TopicPage


def _jpeg_bytes(width: int = 320, height: int = 180, color=(40, 90, 140)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


class KishaImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KishaImage

    title = factory.Sequence(lambda n: f"写真{n}")
    file = factory.LazyFunction(lambda: ImageFile(io.BytesIO(_jpeg_bytes()), name="photo.jpg"))
    credit_year = 2019
    credit_agency = "ロイター"
    credit_photographer = "Kevin Lamarque"


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"記者{n}")
    slug = factory.Sequence(lambda n: f"writer-{n}")
    role = "編集部"


class SectionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = SectionPage

    title = factory.Sequence(lambda n: f"セクション{n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class TopicIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = TopicIndexPage

    title = "トピック"
    slug = "topics"


class TopicPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = TopicPage

    title = factory.Sequence(lambda n: f"トピック{n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ArticlePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"北朝鮮の非核化交渉、米国が新提案を検討 その{n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    lead = "米国務省の高官は、非核化をめぐる協議の再開に向けて新たな提案を準備していると述べた。"
    body = factory.LazyFunction(
        lambda: [
            ("paragraph", "<p>関係者によると、協議は年内にも再開される見通しだ。</p>"),
            ("heading", "交渉の焦点"),
            ("paragraph", "<p>焦点は制裁の緩和と検証の手順にある。</p>"),
        ]
    )
    first_published_at = factory.LazyFunction(timezone.now)
    last_published_at = factory.SelfAttribute("first_published_at")
    live = True


def page_update(page, **fields) -> None:
    """Write `fields` straight to a page's row, as a test or an import may, and announce the
    change as an editor's save would (a raw update sends no signal; kisha.core.memo)."""
    type(page).objects.filter(pk=page.pk).update(**fields)
    generation_bump()


def publish_at(page, when: dt.datetime) -> None:
    """Set a page's publication times (factories publish 'now'; listings sort by these)."""
    page_update(page, first_published_at=when, last_published_at=when)
    page.first_published_at = page.last_published_at = when
