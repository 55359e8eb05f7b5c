from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "amtsbote.api"
    label = "api"

    def ready(self) -> None:
        # The API key's scheme in the generated schema.
        from . import schema  # noqa: F401
