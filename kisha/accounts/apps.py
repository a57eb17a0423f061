from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kisha.accounts"
    label = "accounts"
    verbose_name = "アカウント"
