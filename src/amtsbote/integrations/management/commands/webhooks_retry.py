"""``manage.py webhooks_retry``: attempt every webhook delivery that is due (for task
backends that cannot schedule, or after an outage of a receiver)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from amtsbote.integrations.webhooks import webhook_deliveries_retry


class Command(BaseCommand):
    help = "Send the webhook deliveries whose next attempt is due."

    def handle(self, *args: Any, **options: Any) -> None:
        count = webhook_deliveries_retry()
        self.stdout.write(f"{count} deliveries attempted.")
