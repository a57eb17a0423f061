from django.contrib import messages

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = "執筆者"
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["name", "role", "slug"]
    search_fields = ["name", "name_reading"]


register_snippet(AuthorViewSet)


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def normalised_message(request, page):
    """Tell the editor which characters were set in house style (kisha.news.forms)."""
    from kisha.core.characters import changed_spans

    changes = getattr(page, "normalised_changes", None)
    if not changes:
        return
    parts = []
    for change in changes:
        spans = "、".join(
            f"「{a}」→「{b}」" for a, b in changed_spans(change.before, change.after)[:5]
        )
        parts.append(f"{change.label}：{spans}")
    messages.info(
        request, "表記を統一しました（半角カナ→全角、全角英数→半角）。" + " ／ ".join(parts)
    )
