from django_tasks import task

from .services import letter_send_notification


@task(priority=50)  # the notification starts the Bekanntgabe clock: first in line
def send_letter_notification(letter_id: int) -> None:
    letter_send_notification(letter_id=letter_id)
