from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """API clients with their keys, and webhooks: what the REST API (``amtsbote.api``, which
    holds no models) and the other apps share about the benefits software."""

    name = "amtsbote.integrations"
    label = "integrations"

    def ready(self) -> None:
        # Webhook events from the audit log.
        from . import receivers  # noqa: F401
