"""Sent online forms ("Anträge & Mitteilungen") of a household: the list and one form with
its answers as fields, its PDF in the e-file and the documents requested by rule."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amtsbote import audit
from amtsbote.cases.access import access_case_for_staff, record_case_read
from amtsbote.eforms import engine
from amtsbote.eforms.access import access_form_submission_for_staff
from amtsbote.eforms.definitions import registry
from amtsbote.eforms.selectors import submissions_for_case

from ..decorators import staff_required, staff_user


@require_GET
@staff_required
def case_forms(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = access_case_for_staff(staff_user(request), case_uuid)
    record_case_read(staff_user(request), case, view="forms")
    return render(
        request,
        "desk/eforms/case_forms.html",
        {"case": case, "submissions": list(submissions_for_case(case))},
    )


@require_GET
@staff_required
def form_detail(request: HttpRequest, submission_uuid: uuid.UUID) -> HttpResponse:
    submission = access_form_submission_for_staff(staff_user(request), submission_uuid)
    definition = registry.get(submission.form_code, submission.form_version)
    # Staff reads of social data are recorded, like reads of documents.
    audit.record(
        "eforms.submission.view",
        actor=request.user,
        subject=submission,
        jobcenter_id=submission.case.jobcenter_id,
        case_id=submission.case_id,
    )
    return render(
        request,
        "desk/eforms/form_detail.html",
        {
            "submission": submission,
            "case": submission.case,
            "sections": engine.summary(definition, submission.data) if definition else [],
            "follow_ups": list(submission.follow_ups.all()),
        },
    )
