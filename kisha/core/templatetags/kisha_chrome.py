from django import template

from kisha.core.slots import render_sidebar

register = template.Library()


@register.simple_tag(takes_context=True)
def sidebar(context):
    """Render the filled sidebar slots; empty when none is filled."""
    request = context.get("request")
    return render_sidebar(request, context.flatten())
