from django.urls import path

from . import views

app_name = "news"

urlpatterns = [
    path("corrections/", views.corrections, name="corrections"),
]
