from django import template

from kisha.core.slots import card_labels as _card_labels
from kisha.core.slots import render_region

register = template.Library()


@register.simple_tag(takes_context=True)
def region(context, name):
    """`{% region "sidebar" as html %}`: the filled slots of a region, or an empty string."""
    return render_region(name, context.get("request"), context.flatten())


@register.simple_tag
def card_labels(page):
    """`{% card_labels article as labels %}`: the card's section and topic (labels.section,
    labels.topic), without a query."""
    return _card_labels(page)
