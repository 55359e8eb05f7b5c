"""Records management for team leads: disposal proposals (four eyes), legal holds,
certificates, retention rules and erasure requests."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.cases.access import record_case_read
from amtsbote.cases.models import Case, Jobcenter
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.core.http import file_response
from amtsbote.documents.models import Document, DocumentType
from amtsbote.records import selectors, services
from amtsbote.records.access import (
    access_hold_for_team_lead,
    access_proposal_for_team_lead,
    is_records_officer,
)
from amtsbote.records.constants import DEFAULT_RETENTION_YEARS, ProposalStatus
from amtsbote.records.models import RetentionRule
from amtsbote.records.tasks import disposal_execute_task

from ..decorators import staff_required
from ..forms_records import BgNumberForm, ErasureRequestForm, RetentionRuleForm


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
def certificate(request: HttpRequest, proposal_uuid: uuid.UUID) -> HttpResponseBase:
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
    return file_response(
        default_storage.open(name, "rb"),
        content_type="application/pdf",
        filename=f"aussonderung-{proposal.case.bg_number}.pdf",
    )


# --- retention rules ----------------------------------------------------------------------


def _rule(jobcenter_id: int, rule_uuid: uuid.UUID) -> RetentionRule:
    return get_object_or_404(
        RetentionRule.objects.select_related("document_type"),
        uuid=rule_uuid,
        jobcenter_id=jobcenter_id,
    )


def _rule_values(form: RetentionRuleForm) -> tuple[str, DocumentType | None, int]:
    data = form.cleaned_data
    return data["register_code"] or "", data["document_type"], int(data["years"])


def _named(rule: RetentionRule, registers: dict[str, str]) -> RetentionRule:
    rule.register_name = registers.get(rule.register_code, rule.register_code)  # type: ignore[attr-defined]
    return rule


def _rules_page(request: HttpRequest, jobcenter_id: int, form: RetentionRuleForm) -> HttpResponse:
    registers = selectors.register_names(jobcenter_id)
    return render(
        request,
        "desk/records/rules.html",
        {
            "rules": [_named(r, registers) for r in selectors.rules_of_jobcenter(jobcenter_id)],
            "form": form,
            "default_years": DEFAULT_RETENTION_YEARS,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def rules(request: HttpRequest) -> HttpResponse:
    """The jobcenter's retention rules; POST creates one (or changes the years of the rule
    for the same register and type)."""
    user, jobcenter_id = _officer(request)
    if request.method == "POST":
        form = RetentionRuleForm(request.POST, jobcenter_id=jobcenter_id)
        if form.is_valid():
            try:
                register_code, document_type, years = _rule_values(form)
                services.retention_rule_set(
                    jobcenter=Jobcenter.objects.get(pk=jobcenter_id),
                    register_code=register_code,
                    document_type=document_type,
                    years=years,
                    actor=user,
                )
            except AmtsboteError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The retention rule is saved."))
                return redirect("desk:records_rules")
    else:
        form = RetentionRuleForm(jobcenter_id=jobcenter_id)
    return _rules_page(request, jobcenter_id, form)


@require_http_methods(["GET", "POST"])
@staff_required
def rule_edit(request: HttpRequest, rule_uuid: uuid.UUID) -> HttpResponse:
    user, jobcenter_id = _officer(request)
    rule = _rule(jobcenter_id, rule_uuid)
    if request.method == "POST":
        form = RetentionRuleForm(request.POST, jobcenter_id=jobcenter_id)
        if form.is_valid():
            try:
                register_code, document_type, years = _rule_values(form)
                services.retention_rule_change(
                    rule=rule,
                    register_code=register_code,
                    document_type=document_type,
                    years=years,
                    actor=user,
                )
            except AmtsboteError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The retention rule is changed."))
                return redirect("desk:records_rules")
    else:
        form = RetentionRuleForm(
            jobcenter_id=jobcenter_id,
            initial={
                "register_code": rule.register_code,
                "document_type": rule.document_type,
                "years": rule.years,
            },
        )
    return render(
        request,
        "desk/records/rule_edit.html",
        {"rule": _named(rule, selectors.register_names(jobcenter_id)), "form": form},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def rule_delete(request: HttpRequest, rule_uuid: uuid.UUID) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    user, jobcenter_id = _officer(request)
    rule = _rule(jobcenter_id, rule_uuid)
    if request.method == "POST":
        services.retention_rule_delete(rule=rule, actor=user)
        messages.success(request, _("The retention rule is deleted."))
        return redirect("desk:records_rules")
    return render(
        request,
        "desk/records/rule_delete.html",
        {
            "rule": _named(rule, selectors.register_names(jobcenter_id)),
            "default_years": DEFAULT_RETENTION_YEARS,
        },
    )


# --- erasure requests ---------------------------------------------------------------------


@require_GET
@staff_required
def erasure_list(request: HttpRequest) -> HttpResponse:
    """Erasure requests of the jobcenter, and where to record a new one (by BG-Nummer)."""
    _user, jobcenter_id = _officer(request)
    form = BgNumberForm(request.GET or None)
    if form.is_bound and form.is_valid():
        case = Case.objects.filter(
            jobcenter_id=jobcenter_id, bg_number=form.cleaned_data["bg_number"]
        ).first()
        if case is not None:
            return redirect("desk:records_erasure_new", case_uuid=case.uuid)
        form.add_error("bg_number", _("There is no case with this BG-Nummer in your jobcenter."))
    requests = list(selectors.erasure_requests(jobcenter_id)[:100])
    return render(
        request,
        "desk/records/erasure.html",
        {
            "form": form,
            "pending": [p for p in requests if p.status == ProposalStatus.PROPOSED],
            "decided": [p for p in requests if p.status != ProposalStatus.PROPOSED],
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def erasure_new(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Record an erasure request for a case or some of its documents (team leads only; the
    case page is read and audited as ``cases.case.view`` with view "erasure")."""
    user, jobcenter_id = _officer(request)
    case = get_object_or_404(Case, uuid=case_uuid, jobcenter_id=jobcenter_id)
    documents = Document.objects.filter(case=case).order_by("received_at", "id")
    form = ErasureRequestForm(request.POST or None, documents=documents)
    if request.method == "POST" and form.is_valid():
        try:
            services.erasure_request_record(
                case=case,
                actor=user,
                requester=form.cleaned_data["requester"],
                received_on=form.cleaned_data["received_on"],
                legal_basis=form.cleaned_data["legal_basis"],
                documents=None
                if form.cleaned_data["scope"] == "case"
                else list(form.cleaned_data["documents"]),
            )
        except AmtsboteError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "The erasure request is recorded. A second team lead decides on it under "
                    "Retention and disposal."
                ),
            )
            return redirect("desk:records_erasure")
    record_case_read(user, case, view="erasure")
    return render(
        request,
        "desk/records/erasure_new.html",
        {"case": case, "form": form, "on_hold": selectors.case_on_hold(case)},
    )
