"""The operations endpoints, mounted under /-/ and open only to kisha.core.ops's rules."""

from django.urls import path

from . import health, metrics

app_name = "ops"
urlpatterns = [
    path("health/", health.health, name="health"),
    path("metrics", metrics.metrics, name="metrics"),
]
