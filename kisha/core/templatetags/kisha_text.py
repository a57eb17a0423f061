"""Template filters over kisha.core.text, so templates format dates and titles one way."""

from django import template

from kisha.core import text

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
