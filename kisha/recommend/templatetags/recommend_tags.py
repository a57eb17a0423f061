import logging

from django import template
from django.utils.safestring import mark_safe

from kisha.recommend.fragments import main_block_html

register = template.Library()
logger = logging.getLogger("kisha.recommend")


@register.simple_tag(takes_context=True)
def recommend_after_body(context):
    """`{% recommend_after_body %}`: the 今、あなたにオススメ block after an article's body. A
    failure leaves the block out, as a failing sidebar slot is (kisha.core.slots)."""
    try:
        html = main_block_html(context.get("request"), context.get("page"))
    except Exception:
        logger.exception("recommend: the block after the body failed to render")
        return ""
    return mark_safe(html)  # noqa: S308  (template output, escaped there)
