"""factory_boy factories for the rankings' tables, used by tests: counted views and a stored
ranking, without a beacon or a fold in between."""

from __future__ import annotations

import factory

from django.utils import timezone

from kisha.core.text import JST

from .backends.base import jst_hour
from .models import DailyViews, HourlyViews, Ranking


class HourlyViewsFactory(factory.django.DjangoModelFactory):
    """One article's views in one hour (`hour` defaults to this JST hour)."""

    class Meta:
        model = HourlyViews

    page_id = 1
    hour = factory.LazyFunction(lambda: jst_hour(timezone.now()))
    views = 1


class DailyViewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyViews

    page_id = 1
    day = factory.LazyFunction(lambda: timezone.now().astimezone(JST).date())
    views = 1


class RankingFactory(factory.django.DjangoModelFactory):
    """A stored window: `entries` is `[[page_id, views], …]`, best first."""

    class Meta:
        model = Ranking
        django_get_or_create = ("window",)

    window = "24h"
    entries = factory.LazyFunction(list)
    computed_at = factory.LazyFunction(timezone.now)
