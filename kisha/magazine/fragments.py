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

from kisha.core.fragments import register_fragment
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


def products_block_context() -> dict | None:
    products = products_on_offer()
    if not products:
        return None
    index = product_index()
    return {"products": products, "index_url": index.url if index else "", "today": today_jst()}


def _seconds() -> int:
    return int(conf("KISHA_MAGAZINE_FRAGMENT_SECONDS"))


def _today() -> str:
    return today_jst().isoformat()


# The stylesheet's link (the wrapper) stays outside the cache, so that a deploy's new static
# file name is used at once.
issue_block = register_fragment(
    "magazine",
    template="magazine/components/issue_block.html",
    context=magazine_block_context,
    seconds=_seconds,
    vary=_today,
    wrapper="magazine/components/slot.html",
)
products_block = register_fragment(
    "products",
    template="magazine/components/products_block.html",
    context=products_block_context,
    seconds=_seconds,
    vary=_today,
    wrapper="magazine/components/slot.html",
)
products_footer_block = register_fragment(
    "products-footer",
    template="magazine/components/products_footer.html",
    context=products_block_context,
    seconds=_seconds,
    vary=_today,
    wrapper="magazine/components/slot.html",
)
magazine_slot = issue_block.slot
products_slot = products_block.slot
products_footer_slot = products_footer_block.slot


def magazine_block_html() -> str:
    return issue_block.html()
