"""Template filters over kisha.core.text, so templates format dates and titles one way."""

from django import template
from django.utils.html import format_html

from kisha.core import text
from kisha.core.phrases import phrase_html

register = template.Library()

register.filter("jst_datetime", text.jst_datetime)
register.filter("jst_date", text.jst_date)
register.filter("jst_time", text.jst_time)
register.filter("jst_iso", text.jst_iso)


@register.filter
def truncate_width(value: str, width: int) -> str:
    """`{{ title|truncate_width:30 }}`: cut to 30 display columns, ending in `…`."""
    try:
        width = int(width)
    except (TypeError, ValueError):
        return value
    return text.truncate_width(str(value or ""), width)


@register.filter
def phrases(value) -> str:
    """`{{ page.title|phrases }}`: escaped, with `<wbr>` between BudouX phrases in a keep-all box,
    so a line breaks between phrases only (kisha.core.phrases)."""

    return phrase_html(str(value or ""))


@register.simple_tag
def photo_caption(caption, image):
    """`{% photo_caption caption image %}`: the caption set by phrase and the image's credit with
    brackets as wide as the caption's own; empty when there is neither."""
    caption = str(caption or "")
    credit = image.credit_after(caption) if image is not None else ""
    if not caption and not credit:
        return ""
    return format_html("{}{}", phrase_html(caption), phrase_html(credit))
