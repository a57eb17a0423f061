from django.urls import path

from . import views

app_name = "recommend"
urlpatterns = [path("api/recommend/", views.recommend_api, name="api")]
