"""Finding a household and looking at its e-file."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.cases.access import access_case_for_staff, record_case_read
from amtsbote.cases.selectors import case_search as search_cases
from amtsbote.cases.selectors import cases_for_staff, cases_of_jobcenter
from amtsbote.doc_requests.selectors import requests_for_case
from amtsbote.documents.selectors import case_registers

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
    people = list(case.people.select_related("user").prefetch_related("activation_codes"))
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
        },
    )
