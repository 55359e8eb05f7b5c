"""What the mailroom does when other parts of the system tell it something."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from amtsbote.documents.models import Document
from amtsbote.documents.signals import document_erasing

from .models import IntakeDocument, ScanFile, ScanPage


@receiver(document_erasing, sender=Document, dispatch_uid="intake.document_erasing")
def forget_document(sender: type[Document], document: Document, **kwargs: Any) -> list[str]:
    """Blank the mailroom's copy of a disposed document (page text, page images, recognised
    text and numbers); return the stored files to delete. The scanned file itself goes too
    once no page of it belongs to a document still kept."""
    names: list[str] = []
    intake_documents = list(IntakeDocument.objects.filter(document=document).select_related("file"))
    for intake in intake_documents:
        pages = ScanPage.objects.filter(
            file=intake.file, index__gte=intake.first_page, index__lte=intake.last_page
        )
        for page in pages:
            names += [name for name in (page.pdf.name, page.thumbnail.name) if name]
        pages.update(text="", pdf="", thumbnail="", cover_payload="")
        IntakeDocument.objects.filter(pk=intake.pk).update(
            document=None, text="", numbers=[], suggestions=[]
        )
    for intake in intake_documents:
        others = IntakeDocument.objects.filter(file=intake.file).exclude(document__isnull=True)
        if not others.exists() and intake.file.original.name:
            names.append(intake.file.original.name)
            ScanFile.objects.filter(pk=intake.file.pk).update(original="")
    return names
