from django.urls import path

from . import views

app_name = "wire"
urlpatterns = [
    path("sokuho/", views.listing, name="listing"),
    path("sokuho/<int:item_id>/", views.item, name="item"),
    path("fragments/ticker/", views.ticker_fragment, name="ticker_fragment"),
    path("fragments/banner/", views.banner_fragment, name="banner_fragment"),
]
