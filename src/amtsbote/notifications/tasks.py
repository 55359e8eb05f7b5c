from django_tasks import task

from .services import email_send


@task()
def send_email_notification(notification_id: int) -> None:
    email_send(notification_id=notification_id)
