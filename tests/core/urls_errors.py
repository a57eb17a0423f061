"""Kisha's URLs plus two views that fail on purpose, to reach handler403 and handler500."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from kisha.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("_test/forbidden/", _forbidden), path("_test/broken/", _broken), *urlpatterns]
