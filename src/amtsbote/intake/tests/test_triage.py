"""Staff decisions on what was not filed: assign, split, merge, rotate, type, discard."""

from __future__ import annotations

import pytest
from django.http import Http404

from amtsbote.accounts.tests.factories import StaffFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.core.exceptions import PermissionDenied, ValidationFailed
from amtsbote.documents.models import Document
from amtsbote.intake import access, pipeline, selectors, services
from amtsbote.intake.constants import BatchSource, IntakeStatus
from amtsbote.intake.exceptions import EditConflict
from amtsbote.intake.tests import scans, stand_ins

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_triage(jobcenter):
    data = scans.text_pdf(
        scans.text_letter("ohne Nummer", subject="Schreiben"),
        scans.text_letter("zweite Seite", subject="Weiter"),
        scans.text_letter("dritte Seite", subject="Mietvertrag"),
    )
    batch = services.scan_batch_create(jobcenter=jobcenter, source=BatchSource.CLI)
    scan_file = services.scan_file_import(batch=batch, filename="post.pdf", data=data).scan_file
    pipeline.process_scan_file(scan_file_id=scan_file.pk)
    intake = scan_file.documents.get()
    assert intake.status == IntakeStatus.TRIAGE
    return intake


def test_assign_files_into_the_case_and_a_stale_version_conflicts(
    in_triage, case_anna, caseworker_ben
):
    assert list(selectors.triage_queue(jobcenter=case_anna.jobcenter)) == [in_triage]
    stale = in_triage.version
    services.intake_document_assign(
        intake_document=in_triage, case=case_anna, actor=caseworker_ben, expected_version=stale
    )
    in_triage.refresh_from_db()
    assert in_triage.status == IntakeStatus.FILED and in_triage.decided_by == caseworker_ben
    assert Document.objects.get(case=case_anna).current_version.pages == 3
    assert AuditEvent.objects.filter(action="intake.document.assign").exists()
    with pytest.raises(EditConflict):
        services.intake_document_discard(
            intake_document=in_triage, actor=caseworker_ben, expected_version=stale
        )
    assert not selectors.triage_queue(jobcenter=case_anna.jobcenter).exists()


def test_second_editor_gets_a_conflict(in_triage, caseworker_ben, team_leistung):
    colleague = StaffFactory(jobcenter=team_leistung.jobcenter, teams=[team_leistung])
    version = in_triage.version
    services.intake_document_set_type(
        intake_document=in_triage,
        type_code="mietvertrag",
        actor=colleague,
        expected_version=version,
    )
    with pytest.raises(EditConflict) as info:
        services.intake_document_set_type(
            intake_document=in_triage,
            type_code="kontoauszug",
            actor=caseworker_ben,
            expected_version=version,
        )
    assert info.value.code == "conflict"
    in_triage.refresh_from_db()
    assert in_triage.type_code == "mietvertrag" and in_triage.version == version + 1


def test_split_merge_rotate_discard(in_triage, caseworker_ben, django_capture_on_commit_callbacks):
    first, second = services.intake_document_split(
        intake_document=in_triage,
        at_page=2,
        actor=caseworker_ben,
        expected_version=in_triage.version,
    )
    assert (first.first_page, first.last_page, second.first_page, second.last_page) == (0, 1, 2, 2)
    assert "dritte Seite" in second.text and "dritte Seite" not in first.text
    merged = services.intake_document_merge(
        intake_document=first,
        following=second,
        actor=caseworker_ben,
        expected_version=first.version,
        following_expected_version=second.version,
    )
    assert (merged.first_page, merged.last_page) == (0, 2)
    rotated = services.intake_document_rotate(
        intake_document=merged,
        page_index=1,
        degrees=90,
        actor=caseworker_ben,
        expected_version=merged.version,
    )
    assert merged.file.pages.get(index=1).manual_rotation == 90
    with pytest.raises(ValidationFailed):
        services.intake_document_rotate(
            intake_document=rotated,
            page_index=1,
            degrees=45,
            actor=caseworker_ben,
            expected_version=rotated.version,
        )
    with django_capture_on_commit_callbacks(execute=True):
        typed = services.intake_document_set_type(
            intake_document=rotated,
            type_code="mietvertrag",
            actor=caseworker_ben,
            expected_version=rotated.version,
        )
    if stand_ins.LEARNED:  # with the stand-in classifier we can see what it was taught
        assert stand_ins.LEARNED[-1][1] == "mietvertrag"
    discarded = services.intake_document_discard(
        intake_document=typed,
        actor=caseworker_ben,
        expected_version=typed.version,
        reason="Werbung",
    )
    assert discarded.status == IntakeStatus.DISCARDED


def test_access_and_permissions(in_triage, caseworker_ben, stranger_sara, customer_carl):
    assert access.access_intake_document_for_staff(caseworker_ben, in_triage.uuid) == in_triage
    for user in (stranger_sara, customer_carl):
        with pytest.raises(Http404):
            access.access_intake_document_for_staff(user, in_triage.uuid)
    with pytest.raises(Http404):
        access.access_intake_document_for_staff(caseworker_ben, "not-a-uuid")
    with pytest.raises(PermissionDenied):
        services.intake_document_discard(
            intake_document=in_triage, actor=stranger_sara, expected_version=in_triage.version
        )


def test_desk_upload_creates_a_batch(
    jobcenter, caseworker_ben, case_anna, django_capture_on_commit_callbacks
):
    good = scans.text_pdf(scans.text_letter("BG-Nummer 96201BG0012345"))
    with django_capture_on_commit_callbacks(execute=True):
        result = services.scan_batch_create_from_upload(
            jobcenter=jobcenter,
            operator=caseworker_ben,
            files=[("a.pdf", good), ("b.txt", b"hello"), ("c.pdf", good)],
        )
    assert [f.filename for f in result.imported] == ["a.pdf"]
    assert [f.filename for f in result.duplicates] == ["a.pdf"]
    assert result.refused[0][0] == "b.txt"
    result.batch.refresh_from_db()
    assert result.batch.status == "done" and result.batch.operator == caseworker_ben
    assert result.imported[0].documents.get().case == case_anna
