from django_tasks import task

from .push import push_send
from .services import email_send


@task(priority=50)  # a person waits for it: before scans and OCR
def send_email_notification(notification_id: int) -> None:
    email_send(notification_id=notification_id)


@task(priority=50)
def send_push_notification(notification_id: int) -> None:
    push_send(notification_id=notification_id)
