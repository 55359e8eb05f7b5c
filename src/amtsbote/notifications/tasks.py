from django_tasks import task

from .services import email_send


@task(priority=50)  # a person waits for it: before scans and OCR
def send_email_notification(notification_id: int) -> None:
    email_send(notification_id=notification_id)
