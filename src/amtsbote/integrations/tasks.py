from django_tasks import task

from .webhooks import webhook_delivery_attempt


@task(priority=0)
def webhook_deliver(delivery_id: int) -> None:
    webhook_delivery_attempt(delivery_id=delivery_id)
