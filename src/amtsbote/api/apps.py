from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "amtsbote.api"
    label = "api"

    def ready(self) -> None:
        # Webhook events from the audit log; the API key's scheme in the generated schema.
        from . import receivers, schema  # noqa: F401
