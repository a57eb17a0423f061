from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import RecommendRule


class RecommendRuleViewSet(SnippetViewSet):
    model = RecommendRule
    icon = "pick"
    menu_label = "おすすめの固定・除外"
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["section", "article", "action", "note"]
    list_filter = ["action"]


register_snippet(RecommendRuleViewSet)
