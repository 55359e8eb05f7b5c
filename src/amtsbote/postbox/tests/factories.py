"""Factories and helpers for postbox tests: letters go through the real service."""

from __future__ import annotations

import factory

from amtsbote.documents.tests import samples
from amtsbote.postbox.constants import ConsentKind, LetterKind
from amtsbote.postbox.models import Consent
from amtsbote.postbox.services import LetterSpec, consent_wording, letter_create


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    kind = ConsentKind.E_BEKANNTGABE
    granted = True
    wording = factory.LazyAttribute(lambda consent: consent_wording(consent.kind))
    language = "de"
    recorded_by = factory.LazyAttribute(lambda consent: consent.person.user)


def send_letter(
    person,
    *,
    by,
    kind=LetterKind.BESCHEID,
    subject="Bewilligungsbescheid Bürgergeld",
    pages=1,
):
    return letter_create(
        spec=LetterSpec(
            case=person.case,
            addressee=person,
            kind=kind,
            subject=subject,
            pdf=samples.pdf_bytes(pages=pages, lines=[subject]),
        ),
        created_by=by,
    )


def postbox_sender(capture_on_commit, caseworker):
    """Send letters and run the postbox's after-commit work (the notification task).

    The OCR task that filing a document also queues is left out: it is not postbox
    behaviour and takes seconds per letter (documents' own tests run it).
    """

    def _send(person, **kwargs):
        with capture_on_commit(execute=False) as callbacks:
            letter = send_letter(person, by=caseworker, **kwargs)
        for callback in callbacks:
            if "postbox" in callback.__code__.co_filename:
                callback()
        letter.refresh_from_db()
        return letter

    return _send
