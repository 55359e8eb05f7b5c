"""Finding a household and looking at its e-file."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amtsbote.cases.access import access_case_for_staff
from amtsbote.cases.selectors import case_search as search_cases
from amtsbote.doc_requests.selectors import requests_for_case
from amtsbote.documents.selectors import case_registers

from ..decorators import staff_required


@require_GET
@staff_required
def case_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    results = list(search_cases(request.user, query)) if query else []  # type: ignore[arg-type]
    return render(request, "desk/case_search.html", {"query": query, "results": results})


@require_GET
@staff_required
def case_detail(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = access_case_for_staff(request.user, case_uuid)  # type: ignore[arg-type]
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
