from django_tasks import task

from .services import document_version_recognise


@task(priority=-10)  # search text for filed documents: after mail and the mailroom
def document_version_ocr(version_id: int) -> None:
    document_version_recognise(version_id=version_id)
