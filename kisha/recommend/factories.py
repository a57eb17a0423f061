"""factory_boy factories for the recommendations' editor rules, used by tests."""

from __future__ import annotations

import factory

from .models import RecommendRule


class RecommendRuleFactory(factory.django.DjangoModelFactory):
    """A pin (the default) or block of `article` in `section`'s lists; both are required."""

    class Meta:
        model = RecommendRule

    action = RecommendRule.PIN
    note = ""
