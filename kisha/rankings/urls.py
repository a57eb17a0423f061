from django.urls import path

from . import views

app_name = "rankings"
urlpatterns = [
    path("api/views/", views.beacon, name="beacon"),
    path("api/rankings/", views.rankings_json, name="json"),
    path("fragments/rankings/", views.rankings_fragment, name="fragment"),
]
