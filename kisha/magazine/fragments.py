"""The MAGAZINE sidebar block, the products block and the footer's products: cached fragments.

Each is rendered once and kept in the shared cache under a key made of the content generation
(kisha.core.memo.generation_key) and today's JST date. Publishing, unpublishing or moving any
page (an issue, a product) rewrites the generation in the same transaction, so no worker reads
the old block again; the date in the key turns the current issue and the sale statuses over at
midnight. Pages that show the block are purged through the news app's signals: an issue or a
product is not an article, so its publish purges its whole site by tag (news.services.
tags_showing), which is exactly what shows a sidebar block.
"""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string

from kisha.core.memo import generation_cached
from kisha.core.text import truncate_width

from .conf import conf
from .models import today_jst
from .selectors import (
    covers_attach,
    issue_current,
    magazine_index,
    product_index,
    products_on_offer,
)


def _cached(name: str, build: Callable[[], str]) -> str:
    return generation_cached(
        f"kisha:magazine:{name}:{today_jst().isoformat()}",
        build,
        timeout=int(conf("KISHA_MAGAZINE_FRAGMENT_SECONDS")),
    )


def magazine_block_context() -> dict:
    issue = issue_current()
    if issue is None:
        return {}
    covers_attach([issue])
    index = magazine_index()
    lead = issue.feature_lead.replace("\n", "")
    return {
        "issue": issue,
        "lead": truncate_width(lead, int(conf("KISHA_MAGAZINE_LEAD_WIDTH"))),
        "lead_cut": truncate_width(lead, int(conf("KISHA_MAGAZINE_LEAD_WIDTH"))) != lead,
        "archive_url": f"{index.url}archive/" if index and index.url else "",
    }


def magazine_block_html() -> str:
    def build() -> str:
        context = magazine_block_context()
        return render_to_string("magazine/components/issue_block.html", context) if context else ""

    return _cached("issue-block", build)


def products_block_html(*, template: str, name: str) -> str:
    def build() -> str:
        products = products_on_offer()
        if not products:
            return ""
        index = product_index()
        return render_to_string(
            template,
            {"products": products, "index_url": index.url if index else "", "today": today_jst()},
        )

    return _cached(name, build)


def _slot(block: str) -> str:
    """The cached block with the stylesheet's link, outside the cache so that a deploy's new
    static file name is used at once."""
    if not block.strip():
        return ""
    return render_to_string("magazine/components/slot.html", {"block": block})


def magazine_slot(request, context: dict) -> str:
    return _slot(magazine_block_html())


def products_slot(request, context: dict) -> str:
    return _slot(
        products_block_html(template="magazine/components/products_block.html", name="products")
    )


def products_footer_slot(request, context: dict) -> str:
    return _slot(
        products_block_html(
            template="magazine/components/products_footer.html", name="products-footer"
        )
    )
