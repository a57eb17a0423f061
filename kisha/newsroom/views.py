"""Wagtail's page create view without autosave.

Wagtail 8 autosaves the create form: the first autosave creates the page as a draft, so a form
the editor opened and abandoned leaves a page behind. Editing a page that exists keeps
autosave (it only adds revisions to it). `kisha/urls.py` routes the create URL here before
Wagtail's admin URLs; the URL name `wagtailadmin_pages:add` still reverses to the same path.
"""

from django.views.decorators.cache import never_cache

from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.pages.create import CreateView


class CreateWithoutAutosaveView(CreateView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["autosave_enabled"] = False
        return context


# The same decorators Wagtail puts on every admin URL.
page_create = never_cache(require_admin_access(CreateWithoutAutosaveView.as_view()))
