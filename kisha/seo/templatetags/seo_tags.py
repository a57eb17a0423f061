import json

from django import template
from django.utils.safestring import mark_safe

from kisha.seo.meta import head_meta
from kisha.seo.share import share_links

register = template.Library()


@register.simple_tag(takes_context=True)
def seo_head(context):
    """`{% seo_head as seo %}`: the page's title, description, canonical URL and cards."""
    return head_meta(context)


# What Django's json_script escapes, so no string in the data can end the script element
# (`</script>`, `<!--`) whatever an editor typed into a headline.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_script_ld(data) -> str:
    """`{{ data|json_script_ld }}`: a JSON-LD script element (Japanese kept readable)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(
        _JSON_SCRIPT_ESCAPES
    )
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 (escaped above)


@register.simple_tag(takes_context=True)
def article_share(context):
    """`{% article_share as share %}`: the share links of the article being rendered, to its
    first page (a multi-page article is shared as one work, kisha.seo.share)."""

    page = context.get("page")
    if page is None:
        return []
    url = page.get_full_url(request=context.get("request"))
    return share_links(url=url, title=page.title) if url else []
