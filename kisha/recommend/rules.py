"""Editors' pins and blocks per section (models.RecommendRule), kept per process behind the
shared content generation: a rule saved in the admin holds on every worker from its commit."""

from __future__ import annotations

from dataclasses import dataclass, field

from kisha.core.memo import Memo

from .models import RecommendRule


@dataclass
class SectionRules:
    pinned: list[int] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)


def _build() -> dict[int, SectionRules]:
    rules: dict[int, SectionRules] = {}
    for section_id, article_id, action in RecommendRule.objects.order_by("id").values_list(
        "section_id", "article_id", "action"
    ):
        entry = rules.setdefault(section_id, SectionRules())
        if action == RecommendRule.PIN:
            entry.pinned.append(article_id)
        else:
            entry.blocked.add(article_id)
    return rules


_rules = Memo("recommend-rules", _build)


def rules_for(section_id: int | None) -> SectionRules:
    if section_id is None:
        return SectionRules()
    return _rules.get().get(section_id) or SectionRules()


def any_rules() -> bool:
    return bool(_rules.get())


def section_tag(section_id: int) -> str:
    """The cache tag of every article page whose block follows the rules of this section."""
    return f"recommend-s{section_id}"


def apply(ids: list[int], rules: SectionRules, *, exclude: set[int]) -> list[int]:
    """Pinned first (in the order editors added them), blocked and excluded never."""
    out: list[int] = []
    for article_id in [*rules.pinned, *ids]:
        if article_id in exclude or article_id in rules.blocked or article_id in out:
            continue
        out.append(article_id)
    return out
