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
