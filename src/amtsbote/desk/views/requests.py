"""Asking a household for documents, and following up on what came back."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from amtsbote import audit
from amtsbote.cases.access import access_case_for_staff
from amtsbote.cases.models import Case
from amtsbote.core import deadlines
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.doc_requests.access import access_doc_request_for_staff
from amtsbote.doc_requests.selectors import doc_request_readers
from amtsbote.doc_requests.services import doc_request_create, legal_hint

from ..decorators import staff_required
from ..forms import DocRequestForm


@require_http_methods(["GET", "POST"])
@staff_required
def request_create(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = access_case_for_staff(request.user, case_uuid)  # type: ignore[arg-type]
    form = DocRequestForm(request.POST or None, case=case, user=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            doc_request = doc_request_create(
                case=case,
                team=form.cleaned_data["team"],
                created_by=request.user,  # type: ignore[arg-type]
                items=form.item_specs(),
                deadline=form.cleaned_data["deadline"],
                message=form.cleaned_data["message"],
                addressee=form.cleaned_data["addressee"],
            )
        except AmtsboteError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The request was created."))
            return redirect("desk:request_detail", request_uuid=doc_request.uuid)
    cleaned = getattr(form, "cleaned_data", {})
    deadline = cleaned.get("deadline") or form.fields["deadline"].initial
    return render(
        request,
        "desk/request_form.html",
        {"case": case, "form": form, "legal_hint": _hint(case, deadline)},
    )


def _hint(case: Case, deadline: dt.date) -> str:
    """The hint as it will be sent: a deadline on a weekend or holiday moves on (§ 26 SGB X)."""
    return legal_hint(deadlines.next_working_day_on_or_after(deadline, state=case.jobcenter.state))


@require_GET
@staff_required
def legal_hint_preview(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """The legal hint for the deadline being typed in (htmx, while the form is filled in)."""
    case = access_case_for_staff(request.user, case_uuid)  # type: ignore[arg-type]
    try:
        deadline = dt.date.fromisoformat(request.GET.get("deadline", ""))
    except ValueError:
        deadline = timezone.localdate()
    return render(request, "desk/_legal_hint.html", {"legal_hint": _hint(case, deadline)})


@require_GET
@staff_required
def request_detail(request: HttpRequest, request_uuid: uuid.UUID) -> HttpResponse:
    doc_request = access_doc_request_for_staff(request.user, request_uuid)  # type: ignore[arg-type]
    case = doc_request.case
    audit.record(
        "doc_requests.request.view",
        actor=request.user,
        subject=doc_request,
        jobcenter_id=case.jobcenter_id,
        case_id=case.pk,
    )
    people = list(case.people.all())
    readers = list(doc_request_readers(doc_request))
    return render(
        request,
        "desk/request_detail.html",
        {
            "doc_request": doc_request,
            "case": case,
            "people": people,
            # Who sees the request in the portal and was notified: the addressee and the
            # head of the household (docs/access.md, Household members).
            "readers": readers,
            "has_portal_account": any(p.user_id for p in readers),
        },
    )
