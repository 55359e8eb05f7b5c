"""``manage.py api_webhook_add CLIENT_UUID --url https://… --event document.received …``:
a webhook of an API client; prints its signing secret once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.core.exceptions import AmtsboteError
from amtsbote.integrations.constants import WebhookEvent
from amtsbote.integrations.models import ApiClient
from amtsbote.integrations.webhooks import webhook_endpoint_create


class Command(BaseCommand):
    help = "Add a webhook to an API client (its signing secret is printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client", help="UUID of the API client")
        parser.add_argument("--url", required=True, help="https:// address that takes POSTs")
        parser.add_argument(
            "--event",
            dest="events",
            action="append",
            default=[],
            help=f"repeat for each event: {', '.join(WebhookEvent.values)}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client = ApiClient.objects.get(uuid=options["client"])
        except (ApiClient.DoesNotExist, ValueError, ValidationError) as exc:
            raise CommandError(f"no API client {options['client']!r}") from exc
        try:
            endpoint, secret = webhook_endpoint_create(
                client=client, url=options["url"], events=options["events"]
            )
        except AmtsboteError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Webhook {endpoint.uuid} → {endpoint.url} ({', '.join(endpoint.events)})"
        )
        self.stdout.write("Signing secret (shown only now):")
        self.stdout.write(secret)
