from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from kisha.core.views import serve_rendition
from kisha.newsroom.views import page_create
from kisha.seo.sitemaps import sitemap_index

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # Before Wagtail's admin: its page create view without autosave (kisha/newsroom/views.py).
    path(
        "admin/pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/"
        "<int:parent_page_id>/",
        page_create,
        name="newsroom_page_create",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap_index, name="sitemap"),  # the index (kisha/seo/sitemaps.py)
    path("", include("kisha.seo.urls")),  # robots.txt, favicon.ico, feeds, sitemaps
    path("", include("kisha.rankings.urls")),
    path("", include("kisha.wire.urls")),
    path("", include("kisha.search.urls")),
    path("", include("kisha.newsletter.urls")),
    path("", include("kisha.series.urls")),  # series feeds
    path("", include("kisha.recommend.urls")),
    path("", include("kisha.news.urls")),  # 訂正・おわび
    path("-/", include("kisha.core.urls")),  # health and metrics, not public (kisha/core/ops.py)
]

if settings.KISHA_SERVE_MEDIA:
    # The embedded default serves image renditions itself (never documents or original images:
    # see kisha.core.views.serve_rendition); production serves them from a web server or S3.
    urlpatterns += [re_path(r"^media/images/(?P<path>.*)$", serve_rendition)]

urlpatterns += [path("", include(wagtail_urls))]

handler400 = "kisha.core.views.bad_request"
handler403 = "kisha.core.views.permission_denied"
handler404 = "kisha.core.views.page_not_found"
handler500 = "kisha.core.views.server_error"
