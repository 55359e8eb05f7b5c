"""Eingangsbestätigung: what arrived when, on screen and as a PDF."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from amtsbote.core.http import file_response
from amtsbote.core.sealing import seal_pdf
from amtsbote.doc_requests.access import access_submission_for_customer
from amtsbote.doc_requests.models import Submission
from amtsbote.documents.processing import html_to_pdf

from .http import AuthenticatedRequest


def _receipt_context(request: AuthenticatedRequest, submission: Submission) -> dict[str, Any]:
    manifest = submission.manifest or {}
    received_at = submission.created_at
    if raw := manifest.get("received_at"):
        with contextlib.suppress(ValueError):
            received_at = dt.datetime.fromisoformat(raw)
    items = manifest.get("items", [])
    person = getattr(request.user, "person", None)
    return {
        "submission": submission,
        "received_at": received_at,
        "items": items,
        "total_files": sum(len(item.get("files", [])) for item in items),
        "total_pages": sum(f.get("pages", 0) for item in items for f in item.get("files", [])),
        "jobcenter": submission.case.jobcenter,
        "customer_name": person.full_name if person else request.user.get_full_name(),
    }


@login_required
def receipt(request: AuthenticatedRequest, submission_uuid: str) -> HttpResponse:
    submission = access_submission_for_customer(request.user, submission_uuid)
    return render(request, "portal/receipt.html", _receipt_context(request, submission))


@login_required
def receipt_pdf(request: AuthenticatedRequest, submission_uuid: str) -> HttpResponse:
    submission = access_submission_for_customer(request.user, submission_uuid)
    context = _receipt_context(request, submission)
    context["verify_url"] = settings.SITE_URL + reverse("portal:verify")
    html = render_to_string("portal/receipt_pdf.html", context, request=request)
    pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    # Sealed so that any change is detectable; the verify page and `manage.py
    # verify_receipt` check it.
    pdf = seal_pdf(
        pdf,
        reason=_("Receipt %(reference)s") % {"reference": submission.reference},
        location=submission.case.jobcenter.name,
    )
    return file_response(
        pdf,
        content_type="application/pdf",
        filename=f"Eingangsbestaetigung-{submission.reference}.pdf",
    )
