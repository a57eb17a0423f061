from django.urls import path

from . import feeds

app_name = "series"

urlpatterns = [
    path("feeds/series/<slug:slug>/rss/", feeds.series_rss, name="feed-rss"),
    path("feeds/series/<slug:slug>/atom/", feeds.series_atom, name="feed-atom"),
]
