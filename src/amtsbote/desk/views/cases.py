"""Finding a household and looking at its e-file."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from amtsbote import audit
from amtsbote.accounts.models import ActivationCode, User
from amtsbote.cases.access import access_case_for_staff, record_case_read
from amtsbote.cases.selectors import case_search as search_cases
from amtsbote.cases.selectors import cases_for_staff, cases_of_jobcenter
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.doc_requests.selectors import requests_for_case
from amtsbote.documents.selectors import case_registers
from amtsbote.records import selectors as records_selectors
from amtsbote.records import services as records_services
from amtsbote.records.access import is_records_officer

from ..decorators import staff_required


@require_GET
@staff_required
def case_search(request: HttpRequest) -> HttpResponse:
    """Own teams' cases; with ``scope=jobcenter`` the whole jobcenter's, without details,
    each only a way into break-glass access."""
    user: User = request.user  # type: ignore[assignment]
    query = request.GET.get("q", "").strip()[:100]
    whole_jobcenter = request.GET.get("scope") == "jobcenter" and user.works_on_cases
    results = []
    if query and whole_jobcenter:
        results = list(search_cases(user, query, scope=cases_of_jobcenter(user)))
        own = set(
            cases_for_staff(user)
            .filter(pk__in=[c.pk for c in results])
            .values_list("pk", flat=True)
        )
        for case in results:
            case.is_own = case.pk in own  # type: ignore[attr-defined]
        audit.record(
            "cases.case.search_jobcenter",
            actor=user,
            jobcenter_id=user.jobcenter_id,
            data={"query": query, "results": len(results)},
        )
    elif query:
        results = list(search_cases(user, query))
    return render(
        request,
        "desk/case_search.html",
        {
            "query": query,
            "results": results,
            "whole_jobcenter": whole_jobcenter,
            "may_search_jobcenter": user.works_on_cases,
        },
    )


@require_GET
@staff_required
def case_detail(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = access_case_for_staff(user, case_uuid)
    record_case_read(user, case, view="detail")
    # A person's own activation codes; invitation codes for their representatives are
    # listed with the representatives (desk/_representatives.html).
    own_codes = ActivationCode.objects.filter(representation__isnull=True)
    people = list(
        case.people.select_related("user").prefetch_related(
            Prefetch("activation_codes", queryset=own_codes)
        )
    )
    doc_requests = list(requests_for_case(case))
    return render(
        request,
        "desk/case_detail.html",
        {
            "case": case,
            "people": people,
            "registers": case_registers(case),
            "open_requests": [r for r in doc_requests if r.is_open],
            "closed_requests": [r for r in doc_requests if not r.is_open],
            "has_portal_account": any(p.user_id for p in people),
            "retention_until": records_selectors.case_retention_until(case),
            "on_hold": records_selectors.case_on_hold(case),
            "may_change_status": records_selectors.may_change_case_status(user, case),
            "is_records_officer": is_records_officer(user),
        },
    )


def _case_status_change(request: HttpRequest, case_uuid: uuid.UUID, *, close: bool) -> HttpResponse:
    """GET: what closing (reopening) means, and what keeps the case from it; POST: do it.

    Staff who may open the case but not change its status (break-glass access) get a 404.
    """
    user: User = request.user  # type: ignore[assignment]
    case = access_case_for_staff(user, case_uuid)
    if not records_selectors.may_change_case_status(user, case):
        raise Http404("not allowed to close or reopen this case")
    if request.method == "POST":
        try:
            if close:
                records_services.case_close(case=case, actor=user)
                messages.success(request, _("The case is closed: its retention period runs."))
            else:
                records_services.case_reopen(case=case, actor=user)
                messages.success(request, _("The case is open again."))
        except AmtsboteError as exc:
            messages.error(request, exc.message)
            return redirect(request.path)
        return redirect("desk:case_detail", case_uuid=case.uuid)
    record_case_read(user, case, view="close" if close else "reopen")
    requests, letters = records_selectors.close_blockers(case) if close else ([], [])
    return render(
        request,
        "desk/records/case_status.html",
        {
            "case": case,
            "close": close,
            "open_requests": requests,
            "unposted_letters": letters,
            "retention_until": records_selectors.case_retention_if_closed_now(case)
            if close
            else records_selectors.case_retention_until(case),
            "on_hold": records_selectors.case_on_hold(case),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def case_close(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    return _case_status_change(request, case_uuid, close=True)


@require_http_methods(["GET", "POST"])
@staff_required
def case_reopen(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    return _case_status_change(request, case_uuid, close=False)
