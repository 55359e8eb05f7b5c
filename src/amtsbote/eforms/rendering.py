"""The PDF of a sent form, in German whatever language the customer used (§ 19 SGB X: the
official language); the customer's answers are copied as entered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from amtsbote.accounts.models import User
from amtsbote.cases.models import Person
from amtsbote.documents.processing import html_to_pdf

from . import engine
from .definitions.base import Data, FormDefinition


def form_pdf(
    *,
    definition: FormDefinition,
    data: Data,
    person: Person,
    reference: str,
    sent_at: dt.datetime,
    language: str,
    representative: User | None = None,
) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        context: dict[str, Any] = {
            "definition": definition,
            "sections": engine.summary(definition, data),
            "person": person,
            "representative": representative,
            "case": person.case,
            "jobcenter": person.case.jobcenter,
            "reference": reference,
            "sent_at": sent_at,
            "language": language,
            "language_name": dict(settings.LANGUAGES).get(language, language),
        }
        html = render_to_string("eforms/form_pdf.html", context)
    return html_to_pdf(html)
