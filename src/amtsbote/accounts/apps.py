from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "amtsbote.accounts"
    label = "accounts"
