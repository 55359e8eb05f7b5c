"""Outgoing letters: per household, one letter's delivery, a new letter, the print queue."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.accounts.services import activation_code_issue
from amtsbote.cases.access import access_case_for_staff, record_case_read
from amtsbote.cases.models import Case
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.core.http import file_response
from amtsbote.doc_requests.selectors import with_items
from amtsbote.documents.access import access_document_for_staff
from amtsbote.documents.services import document_record_download
from amtsbote.intake.sheets import cover_sheet_pdf
from amtsbote.postbox import rendering
from amtsbote.postbox.access import access_letter_for_staff
from amtsbote.postbox.constants import ConsentKind, LetterKind, LetterTemplate, LetterTopic
from amtsbote.postbox.selectors import (
    consent_at,
    consent_history,
    consent_state,
    letter_timeline,
    letters_for_case,
    print_queue,
)
from amtsbote.postbox.services import (
    LetterSpec,
    letter_create,
    letter_dispute_receipt,
    print_jobs_mark_posted,
    print_jobs_mark_printed,
)

from ..decorators import staff_required, staff_user
from ..forms_postbox import LetterForm, PostedForm
from ..letters import activation_letter_pdf

# Letters made from our templates have a topic the customer can be told in their language.
_TEMPLATE_TOPICS = {
    LetterTemplate.DOC_REQUEST: LetterTopic.DOCUMENTS,
    LetterTemplate.ACTIVATION: LetterTopic.ACTIVATION,
    LetterTemplate.REMINDER: LetterTopic.REMINDER,
}


@require_GET
@staff_required
def case_letters(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = access_case_for_staff(staff_user(request), case_uuid)
    record_case_read(staff_user(request), case, view="letters")
    people = [
        {
            "person": person,
            "consents": consent_state(person),
            "history": list(consent_history(person)),
        }
        for person in case.people.select_related("user")
    ]
    return render(
        request,
        "desk/postbox/case_letters.html",
        {"case": case, "letters": list(letters_for_case(case)), "people": people},
    )


def _compose(form: LetterForm, case: Case, user: User) -> LetterSpec:
    """The PDF of the new letter: uploaded, or rendered from a template (German)."""
    data: dict[str, Any] = form.cleaned_data
    addressee, template = data["addressee"], data["template"]
    subject = data.get("subject", "")
    if template == LetterTemplate.UPLOAD:
        pdf = data["pdf"].read()
    elif template == LetterTemplate.DOC_REQUEST:
        doc_request = with_items(case.doc_requests.filter(pk=data["doc_request"].pk)).get()
        subject = subject or "Aufforderung zur Mitwirkung – Vorlage von Unterlagen"
        letter = rendering.render_letter(
            "doc_request",
            rendering.letter_context(
                case,
                addressee,
                subject,
                items=list(doc_request.items.all()),
                deadline=doc_request.deadline,
                legal_hint=doc_request.legal_hint,
                message=doc_request.message,
            ),
        )
        # The Amtsbote cover sheet with QR code for a paper reply (read back by the mailroom).
        pdf = rendering.concatenate([letter, cover_sheet_pdf(case, doc_request)])
    elif template == LetterTemplate.ACTIVATION:
        activation, code = activation_code_issue(person=addressee, issued_by=user)
        subject = subject or "Ihr Freischaltcode für das Kundenportal"
        pdf = activation_letter_pdf(activation, code)
    else:
        pdf = rendering.render_letter(
            template,
            rendering.letter_context(
                case,
                addressee,
                subject,
                paragraphs=form.paragraphs,
                deadline=data.get("deadline"),
            ),
        )
    return LetterSpec(
        case=case,
        addressee=addressee,
        kind=data["kind"],
        subject=subject,
        pdf=pdf,
        template=template,
        topic=str(data.get("topic") or _TEMPLATE_TOPICS.get(template, "")),
    )


@require_http_methods(["GET", "POST"])
@staff_required
def letter_create_view(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = access_case_for_staff(staff_user(request), case_uuid)
    form = LetterForm(request.POST or None, request.FILES or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                letter = letter_create(
                    spec=_compose(form, case, staff_user(request)), created_by=staff_user(request)
                )
        except AmtsboteError as exc:
            form.add_error(None, exc.message)
        else:
            if letter.channel == "digital":
                messages.success(request, _("The letter was provided in the portal."))
            else:
                messages.success(request, _("The letter was put into the print queue."))
            return redirect("desk:letter_detail", letter_uuid=letter.uuid)
    return render(
        request, "desk/postbox/letter_form.html", {"case": case, "form": form, "kinds": LetterKind}
    )


@require_GET
@staff_required
def letter_detail(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponse:
    letter = access_letter_for_staff(staff_user(request), letter_uuid)
    audit.record(
        "postbox.letter.view",
        actor=staff_user(request),
        subject=letter,
        jobcenter_id=letter.case.jobcenter_id,
        case_id=letter.case_id,
    )
    return render(
        request,
        "desk/postbox/letter_detail.html",
        {
            "letter": letter,
            "case": letter.case,
            "timeline": letter_timeline(letter),
            "consents": consent_state(letter.addressee),
        },
    )


@require_GET
@staff_required
def letter_file(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponseBase:
    letter = access_letter_for_staff(staff_user(request), letter_uuid)
    document = access_document_for_staff(staff_user(request), letter.document.uuid)  # audited read
    document_record_download(document=document, actor=staff_user(request), what="letter")
    return file_response(
        rendering.letter_pdf_bytes(letter),
        content_type="application/pdf",
        filename=f"schreiben-{letter.uuid}.pdf",
        inline=True,
    )


@require_POST
@staff_required
def letter_dispute(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponse:
    letter = access_letter_for_staff(staff_user(request), letter_uuid)
    try:
        letter_dispute_receipt(letter=letter, actor=staff_user(request))
    except AmtsboteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The disputed receipt was noted."))
    return redirect("desk:letter_detail", letter_uuid=letter.uuid)


@require_GET
@staff_required
def letter_proof(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponseBase:
    """Zustellnachweis for court: the evidence of each delivery step, as a sealed PDF."""
    letter = access_letter_for_staff(staff_user(request), letter_uuid)
    consent = consent_at(letter.addressee, ConsentKind.E_BEKANNTGABE, letter.created_at)
    pdf = rendering.proof_of_delivery_pdf(letter, timeline=letter_timeline(letter), consent=consent)
    document_record_download(
        document=letter.document, actor=staff_user(request), what="proof_of_delivery"
    )
    return file_response(
        pdf, content_type="application/pdf", filename=f"zustellnachweis-{letter.uuid}.pdf"
    )


# --- print queue -------------------------------------------------------------------------------


@require_GET
@staff_required
def print_queue_view(request: HttpRequest) -> HttpResponse:
    jobs = list(print_queue(staff_user(request)))
    return render(
        request,
        "desk/postbox/print_queue.html",
        {
            "to_print": [job for job in jobs if job.printed_at is None],
            "to_post": [job for job in jobs if job.printed_at is not None],
            "posted_form": PostedForm(),
        },
    )


@require_GET
@staff_required
def print_batch(request: HttpRequest) -> HttpResponseBase:
    """All letters not yet printed, in one duplex-safe PDF."""
    jobs = [job for job in print_queue(staff_user(request)) if job.printed_at is None]
    if not jobs:
        messages.info(request, _("There is nothing to print."))
        return redirect("desk:print_queue")
    pdf = rendering.print_batch_pdf(jobs)
    for job in jobs:
        document_record_download(
            document=job.letter.document, actor=staff_user(request), what="print_batch"
        )
    filename = f"druckstapel-{timezone.localdate():%Y-%m-%d}.pdf"
    return file_response(pdf, content_type="application/pdf", filename=filename)


def _selected_jobs(request: HttpRequest) -> list[Any]:
    wanted = set(request.POST.getlist("job"))
    return [job for job in print_queue(staff_user(request)) if str(job.uuid) in wanted]


@require_POST
@staff_required
def print_mark_printed(request: HttpRequest) -> HttpResponse:
    count = print_jobs_mark_printed(jobs=_selected_jobs(request), actor=staff_user(request))
    messages.success(request, _("%(count)s letters marked as printed.") % {"count": count})
    return redirect("desk:print_queue")


@require_POST
@staff_required
def print_mark_posted(request: HttpRequest) -> HttpResponse:
    form = PostedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please enter the posting date."))
        return redirect("desk:print_queue")
    try:
        count = print_jobs_mark_posted(
            jobs=_selected_jobs(request),
            actor=staff_user(request),
            posted_on=form.cleaned_data["posted_on"],
        )
    except AmtsboteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(count)s letters marked as posted.") % {"count": count})
    return redirect("desk:print_queue")
