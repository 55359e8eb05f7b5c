from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "amtsbote.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401  (connects the signal receivers)
