"""Records management for team leads: disposal proposals (four eyes), legal holds, certificates."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.cases.models import Case
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.records import selectors, services
from amtsbote.records.access import (
    access_hold_for_team_lead,
    access_proposal_for_team_lead,
    is_records_officer,
)
from amtsbote.records.constants import ProposalStatus
from amtsbote.records.tasks import disposal_execute_task

from ..decorators import staff_required


def _officer(request: HttpRequest) -> tuple[User, int]:
    """The team lead and their jobcenter's id; everybody else gets a 404."""
    user: User = request.user  # type: ignore[assignment]
    jobcenter_id = user.jobcenter_id
    if not is_records_officer(user) or jobcenter_id is None:
        raise Http404("records are for team leads")
    return user, jobcenter_id


@require_GET
@staff_required
def records_overview(request: HttpRequest) -> HttpResponse:
    _user, jobcenter_id = _officer(request)
    proposals = list(selectors.proposals_for_jobcenter(jobcenter_id)[:100])
    return render(
        request,
        "desk/records/overview.html",
        {
            "open": [p for p in proposals if p.status == ProposalStatus.PROPOSED],
            "decided": [p for p in proposals if p.status != ProposalStatus.PROPOSED],
            "holds": selectors.active_holds(jobcenter_id),
        },
    )


@require_POST
@staff_required
def proposal_decide(request: HttpRequest, proposal_uuid: uuid.UUID) -> HttpResponse:
    user, _jobcenter_id = _officer(request)
    proposal = access_proposal_for_team_lead(user, proposal_uuid)
    try:
        with transaction.atomic():
            if request.POST.get("decision") == "approve":
                services.proposal_approve(proposal=proposal, actor=user)
                transaction.on_commit(lambda: disposal_execute_task.enqueue(proposal.pk))
                messages.success(request, _("Approved: the documents are being disposed of."))
            else:
                services.proposal_reject(
                    proposal=proposal, actor=user, note=request.POST.get("note", "")
                )
                messages.success(request, _("The proposal was rejected."))
    except AmtsboteError as exc:
        messages.error(request, exc.message)
    return redirect("desk:records")


@require_POST
@staff_required
def hold_set(request: HttpRequest) -> HttpResponse:
    user, jobcenter_id = _officer(request)
    bg_number = request.POST.get("bg_number", "").replace(" ", "").upper()
    case = Case.objects.filter(jobcenter_id=jobcenter_id, bg_number=bg_number).first()
    if case is None:
        messages.error(request, _("There is no case with this BG-Nummer."))
        return redirect("desk:records")
    try:
        services.legal_hold_set(case=case, reason=request.POST.get("reason", ""), actor=user)
        messages.success(request, _("The legal hold is set."))
    except AmtsboteError as exc:
        messages.error(request, exc.message)
    return redirect("desk:records")


@require_POST
@staff_required
def hold_lift(request: HttpRequest, hold_uuid: uuid.UUID) -> HttpResponse:
    user, _jobcenter_id = _officer(request)
    services.legal_hold_lift(hold=access_hold_for_team_lead(user, hold_uuid), actor=user)
    messages.success(request, _("The legal hold is lifted."))
    return redirect("desk:records")


@require_GET
@staff_required
def certificate(request: HttpRequest, proposal_uuid: uuid.UUID) -> FileResponse:
    user, _jobcenter_id = _officer(request)
    proposal = access_proposal_for_team_lead(user, proposal_uuid)
    name = proposal.certificate.name
    if not name:
        raise Http404("no certificate yet")
    audit.record(
        "records.certificate.download",
        actor=user,
        subject=proposal,
        jobcenter_id=proposal.jobcenter_id,
        case_id=proposal.case_id,
    )
    return FileResponse(
        default_storage.open(name, "rb"),
        content_type="application/pdf",
        filename=f"aussonderung-{proposal.case.bg_number}.pdf",
    )
