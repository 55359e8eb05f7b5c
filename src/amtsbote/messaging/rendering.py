"""The PDF record of a thread, filed in the e-file when it is closed.

In German, the official language (§ 19 SGB X), whatever language the customer writes in.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from amtsbote.documents.processing import html_to_pdf

from .models import Message, Thread


def thread_pdf(thread: Thread, messages: Sequence[Message]) -> bytes:
    context = {
        "thread": thread,
        "messages": messages,
        "jobcenter": thread.case.jobcenter,
        "case": thread.case,
        "person": thread.person,
        "created": timezone.now(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("messaging/thread_pdf.html", context)
    return html_to_pdf(html)
