from django_tasks import task

from .services import letter_send_notification


@task()
def send_letter_notification(letter_id: int) -> None:
    letter_send_notification(letter_id=letter_id)
