from django.urls import path

from kisha.core.fragments import fragment_view

from . import chrome, views

app_name = "wire"
urlpatterns = [
    path("sokuho/", views.listing, name="listing"),
    path("sokuho/<int:item_id>/", views.item, name="item"),
    path("fragments/ticker/", fragment_view, {"name": chrome.ticker.name}, name="ticker_fragment"),
    path("fragments/banner/", fragment_view, {"name": chrome.banner.name}, name="banner_fragment"),
]
