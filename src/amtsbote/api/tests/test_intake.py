"""Mailroom results through the API: the jobcenter's filed and triaged incoming post."""

from __future__ import annotations

import uuid

from django.utils import timezone

from amtsbote.audit.models import AuditEvent
from amtsbote.intake.constants import BatchSource, IntakeStatus
from amtsbote.intake.models import IntakeDocument, ScanBatch, ScanFile


def _intake(jobcenter, *, case=None, status=IntakeStatus.TRIAGE, first_page=0):
    batch = ScanBatch.objects.create(
        jobcenter=jobcenter, source=BatchSource.DESK, started_at=timezone.now()
    )
    scan = ScanFile.objects.create(
        batch=batch,
        jobcenter=jobcenter,
        filename="stapel.pdf",
        sha256=uuid.uuid4().hex * 2,
        size=1,
        mime_type="application/pdf",
        kind="pdf",
        page_count=2,
    )
    return IntakeDocument.objects.create(
        file=scan,
        first_page=first_page,
        last_page=first_page + 1,
        status=status,
        case=case,
        text="Sehr geehrte Damen und Herren",
        type_code="kontoauszug",
    )


def test_list_and_detail(api, jobcenter, case_anna, fachverfahren, stranger_sara):
    filed = _intake(jobcenter, case=case_anna, status=IntakeStatus.FILED)
    triage = _intake(jobcenter)
    _intake(jobcenter, status=IntakeStatus.DISCARDED)
    _intake(stranger_sara.jobcenter)
    body = api.get("/api/v1/intake/").json()
    assert {row["uuid"] for row in body["results"]} == {str(filed.uuid), str(triage.uuid)}
    body = api.get("/api/v1/intake/", {"status": "filed"}).json()
    [row] = body["results"]
    assert row["bg_number"] == case_anna.bg_number and row["case"] == str(case_anna.uuid)
    assert (row["first_page"], row["last_page"], row["type"]) == (1, 2, "kontoauszug")
    detail = api.get(f"/api/v1/intake/{triage.uuid}/").json()
    assert detail["status"] == "triage" and detail["text"] == "Sehr geehrte Damen und Herren"
    assert AuditEvent.objects.filter(
        action="intake.document.view", subject_id=str(triage.uuid), actor=fachverfahren.user
    ).exists()


def test_bad_filters_are_400(api, jobcenter):
    for query in ({"status": "discarded"}, {"since": "gestern"}):
        response = api.get("/api/v1/intake/", query)
        assert response.status_code == 400
        assert set(query) <= set(response.json()["error"]["fields"])


def test_another_jobcenter_and_wrong_scope(api_other_jobcenter, api_no_scope, jobcenter):
    triage = _intake(jobcenter)
    assert api_other_jobcenter.get(f"/api/v1/intake/{triage.uuid}/").status_code == 404
    assert api_other_jobcenter.get("/api/v1/intake/").json()["count"] == 0
    assert api_no_scope.get(f"/api/v1/intake/{triage.uuid}/").status_code == 403
    assert api_no_scope.get("/api/v1/intake/").status_code == 403
