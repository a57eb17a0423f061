from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve as serve_static

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("", include("kisha.rankings.urls")),
    path("", include("kisha.wire.urls")),
    path("", include("kisha.search.urls")),
    path("-/", include("kisha.core.urls")),  # health and metrics, not public (kisha/core/ops.py)
]

if settings.KISHA_SERVE_MEDIA:
    # The embedded default serves uploads itself; production serves them from a web server or S3.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_static, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "kisha.core.views.page_not_found"
handler500 = "kisha.core.views.server_error"
