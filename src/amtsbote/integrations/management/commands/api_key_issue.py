"""``manage.py api_key_issue CLIENT_UUID``: another key for a client (key rotation);
``--revoke PREFIX`` revokes a key instead."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.integrations.models import ApiClient, ApiKey
from amtsbote.integrations.services import api_key_issue, api_key_revoke


class Command(BaseCommand):
    help = "Issue a new API key for a client (printed once), or revoke one by its prefix."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client", help="UUID of the API client")
        parser.add_argument("--label", default="", help="what the key is for")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the key with this prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client = ApiClient.objects.get(uuid=options["client"])
        except (ApiClient.DoesNotExist, ValueError, ValidationError) as exc:
            raise CommandError(f"no API client {options['client']!r}") from exc
        if prefix := options.get("revoke"):
            try:
                key = client.keys.get(prefix=prefix)
            except ApiKey.DoesNotExist as exc:
                raise CommandError(f"no key {prefix!r} of this client") from exc
            api_key_revoke(key=key)
            self.stdout.write(f"Key {prefix} revoked.")
            return
        row, key_text = api_key_issue(client=client, label=options["label"])
        self.stdout.write(f"Key {row.prefix} (shown only now, keep it secret):")
        self.stdout.write(key_text)
