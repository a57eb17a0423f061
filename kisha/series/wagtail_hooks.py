"""Admin: a warning (not an error) when a saved series holds articles readers cannot see yet.
(Series are pages: the explorer, the page chooser and preview are Wagtail's own.)"""

from django.contrib import messages

from wagtail import hooks
from wagtail.models import Page

from .models import SeriesPage


def _warn_unpublished(request, page) -> None:
    if not isinstance(page.specific, SeriesPage):
        return
    # Entries of the form just saved: the draft's, read from the request's revision.
    items = page.specific.items.all()
    ids = [item.page_id for item in items]
    if not ids:
        return
    hidden = list(Page.objects.filter(id__in=ids, live=False).values_list("title", flat=True)[:5])
    if hidden:
        names = "、".join(f"「{title}」" for title in hidden)
        messages.warning(
            request,
            f"未公開の記事 {names} は、公開されるまで読者には表示されません。",
        )


@hooks.register("after_create_page")
def warn_unpublished_on_create(request, page):
    _warn_unpublished(request, page)


@hooks.register("after_edit_page")
def warn_unpublished_on_edit(request, page):
    _warn_unpublished(request, page)
