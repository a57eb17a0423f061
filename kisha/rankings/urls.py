from django.urls import path

from kisha.core.fragments import fragment_view

from . import fragments, views

app_name = "rankings"
urlpatterns = [
    path("api/views/", views.beacon, name="beacon"),
    path("api/rankings/", views.rankings_json, name="json"),
    path(
        "fragments/rankings/",
        fragment_view,
        {"name": fragments.rankings_block.name},
        name="fragment",
    ),
]
