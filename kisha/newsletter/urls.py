from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.signup_page, name="signup"),
    path("newsletter/subscribe/", views.signup_submit, name="subscribe"),
    path("newsletter/sent/", views.signup_sent, name="sent"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/manage/<str:token>/", views.manage, name="manage"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
