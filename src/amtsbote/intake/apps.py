from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "amtsbote.intake"
    label = "intake"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the receivers)
