"""Posteingang and triage on the desk, through the client, with named staff.

Scans are generated on the fly: text PDFs (a real text layer, so no OCR is needed) for the
triage tests, and one single-page image PDF for the upload that runs the whole pipeline.
"""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amtsbote.accounts.constants import Role
from amtsbote.accounts.tests.factories import StaffFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.documents.models import Document
from amtsbote.intake import pipeline, services
from amtsbote.intake.constants import BatchSource, BatchStatus, IntakeStatus, QaStatus
from amtsbote.intake.models import IntakeDocument, ScanBatch, ScanFile
from amtsbote.intake.tests import scans
from amtsbote.intake.tests.stand_ins import install_if_missing

pytestmark = pytest.mark.django_db

LETTER = [
    "Sehr geehrte Damen und Herren,",
    "anbei sende ich Ihnen die angeforderten Unterlagen zu meinem Antrag.",
    "Mit freundlichen Gruessen",
]


@pytest.fixture(autouse=True, scope="module")
def _intake_stand_ins():
    """identify/classify/imaging may still be in the making: simple stand-ins until then."""
    install_if_missing()


@pytest.fixture
def mailroom_mia(jobcenter):
    return StaffFactory(
        email="mia@jobcenter.example",
        first_name="Mia",
        last_name="Post",
        role=Role.MAILROOM,
        jobcenter=jobcenter,
    )


@pytest.fixture
def lead_lena(team_leistung):
    return StaffFactory(
        email="lena@jobcenter.example",
        first_name="Lena",
        last_name="Leiter",
        role=Role.TEAM_LEAD,
        jobcenter=team_leistung.jobcenter,
        teams=[team_leistung],
    )


@pytest.fixture
def client_mia(client, mailroom_mia):
    client.force_login(mailroom_mia)
    return client


def scan_in(jobcenter, name, *pages, operator=None):
    """Import a text PDF and run the pipeline on it (no OCR: the pages have text)."""
    batch = services.scan_batch_create(
        jobcenter=jobcenter, source=BatchSource.DESK, operator=operator
    )
    outcome = services.scan_file_import(batch=batch, filename=name, data=scans.text_pdf(*pages))
    assert not outcome.error, outcome.error
    pipeline.process_scan_file(scan_file_id=outcome.scan_file.pk)
    return list(IntakeDocument.objects.filter(file=outcome.scan_file).order_by("first_page"))


@pytest.fixture
def letter_in_triage(jobcenter, case_anna, customer_anna):
    [intake] = scan_in(jobcenter, "brief.pdf", LETTER)
    assert intake.status == IntakeStatus.TRIAGE
    return intake


@pytest.fixture
def two_pages_in_triage(jobcenter):
    [intake] = scan_in(jobcenter, "zwei.pdf", LETTER, [*LETTER, "Seite 2 von 2"])
    assert intake.status == IntakeStatus.TRIAGE and intake.page_count == 2
    return intake


def item_url(intake, name="desk:triage_item"):
    return reverse(name, args=[intake.uuid])


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["mailroom_mia", "lead_lena", "caseworker_ben"])
def test_mailroom_team_lead_and_caseworker_may_triage(request, client, persona, letter_in_triage):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("desk:intake")).status_code == 200
    assert client.get(reverse("desk:triage")).status_code == 200
    assert client.get(item_url(letter_in_triage)).status_code == 200


@pytest.mark.parametrize("persona", ["customer_anna", "stranger_sara", "admin"])
def test_others_get_404(request, client, persona, jobcenter, letter_in_triage):
    if persona == "admin":
        user = StaffFactory(email="adm@jobcenter.example", role=Role.ADMIN, jobcenter=jobcenter)
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    page = reverse("desk:intake_page", args=[letter_in_triage.uuid, letter_in_triage.first_page])
    assert client.get(item_url(letter_in_triage)).status_code == 404
    assert client.get(page).status_code == 404
    assert (
        client.post(item_url(letter_in_triage, "desk:triage_discard"), {"version": 1}).status_code
        == 404
    )
    if persona != "stranger_sara":  # Sara has a mailroom of her own (empty)
        assert client.get(reverse("desk:triage")).status_code == 404
        assert client.get(reverse("desk:intake")).status_code == 404
    letter_in_triage.refresh_from_db()
    assert letter_in_triage.status == IntakeStatus.TRIAGE


def test_stranger_sees_an_empty_queue(client, stranger_sara, letter_in_triage):
    client.force_login(stranger_sara)
    response = client.get(reverse("desk:triage"))
    assert response.status_code == 200
    assert b'data-testid="triage-empty"' in response.content


def test_unknown_items_and_pages_are_404(client_mia, letter_in_triage):
    assert client_mia.get(reverse("desk:triage_item", args=[uuid.uuid4()])).status_code == 404
    outside = reverse("desk:intake_page", args=[letter_in_triage.uuid, 7])
    assert client_mia.get(outside).status_code == 404
    batch_check = reverse("desk:intake_batch_check", args=[uuid.uuid4()])
    assert client_mia.post(batch_check, {"result": "passed"}).status_code == 404


def test_anonymous_goes_to_login(client, letter_in_triage):
    response = client.get(reverse("desk:triage"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- Posteingang ------------------------------------------------------------------------------


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_upload_creates_one_batch_and_skips_duplicates(client_mia, mailroom_mia):
    first = scans.text_pdf(LETTER)
    second = scans.text_pdf([*LETTER, "zweiter Brief"])
    response = client_mia.post(
        reverse("desk:intake"),
        {"files": [upload("a.pdf", first), upload("b.pdf", second)], "label": "Fach 3"},
    )
    assert response.status_code == 302
    batch = ScanBatch.objects.get()
    assert batch.source == BatchSource.DESK and batch.operator == mailroom_mia
    assert batch.label == "Fach 3" and batch.destroy_paper_after is not None
    assert sorted(batch.files.values_list("filename", flat=True)) == ["a.pdf", "b.pdf"]

    # The same file again, as the JavaScript upload sends it: reported as skipped.
    response = client_mia.post(
        reverse("desk:intake"),
        {"files": [upload("a-again.pdf", first), upload("notes.txt", b"hello")]},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "a.pdf" in html and 'data-testid="upload-line-warning"' in html
    assert 'data-testid="upload-line-error"' in html and "notes.txt" in html
    assert ScanFile.objects.count() == 2


def test_upload_without_files_is_refused(client_mia):
    response = client_mia.post(reverse("desk:intake"), {"label": "leer"})
    assert response.status_code == 400
    assert not ScanFile.objects.exists()


def test_upload_is_read_and_lands_in_triage(
    client_mia, django_capture_on_commit_callbacks, case_anna
):
    """The whole way with real OCR, kept tiny: one image page without any identifier."""
    data = scans.image_pdf(scans.letter("Schreiben", "Bitte um Rueckruf", "Seite 1"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_mia.post(reverse("desk:intake"), {"files": [upload("foto.pdf", data)]})
    assert response.status_code == 302
    batch = ScanBatch.objects.get()
    assert batch.status == BatchStatus.DONE and batch.page_count == 1
    [intake] = IntakeDocument.objects.filter(file__batch=batch)
    assert intake.status == IntakeStatus.TRIAGE and "Rueckruf" in intake.text

    page = client_mia.get(reverse("desk:intake")).content.decode()
    assert 'data-testid="batch"' in page and 'data-testid="batch-qa-form"' in page
    assert 'hx-trigger="every 2s' not in page  # nothing left to watch
    triage = client_mia.get(reverse("desk:triage")).content.decode()
    assert str(intake.uuid) in triage


def test_batch_list_polls_while_processing(client_mia, jobcenter, mailroom_mia):
    batch = services.scan_batch_create(
        jobcenter=jobcenter, source=BatchSource.DESK, operator=mailroom_mia
    )
    services.scan_file_import(batch=batch, filename="a.pdf", data=scans.text_pdf(LETTER))
    ScanBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.PROCESSING)
    response = client_mia.get(reverse("desk:intake_batches"))
    html = response.content.decode()
    assert 'hx-trigger="every 2s' in html and 'data-processing="true"' in html
    assert 'data-testid="batch-files">1<' in html
    assert batch.destroy_paper_after.strftime("%d.%m.%Y") in html


def test_quality_check(client_mia, mailroom_mia, letter_in_triage):
    batch = letter_in_triage.file.batch
    url = reverse("desk:intake_batch_check", args=[batch.uuid])
    client_mia.post(url, {"result": "failed"})  # a failed check needs a note
    batch.refresh_from_db()
    assert batch.qa_status == QaStatus.UNCHECKED

    response = client_mia.post(url, {"result": "failed", "note": "Seite 2 unscharf"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.qa_status == QaStatus.FAILED and batch.qa_by == mailroom_mia
    assert batch.qa_note == "Seite 2 unscharf"
    assert AuditEvent.objects.filter(action="intake.batch.check").exists()


# --- triage -----------------------------------------------------------------------------------


def test_queue_lists_documents_oldest_first_with_pinned_queries(
    client_mia, jobcenter, django_assert_max_num_queries
):
    docs = [scan_in(jobcenter, f"brief{i}.pdf", [*LETTER, f"Nr {i}"])[0] for i in range(4)]
    with django_assert_max_num_queries(6):
        response = client_mia.get(reverse("desk:triage"))
    html = response.content.decode()
    assert "4 documents wait" in html or "4 Dokumente" in html
    positions = [html.index(str(doc.uuid)) for doc in docs]
    assert positions == sorted(positions)


def test_item_shows_pages_text_suggestions_and_shortcuts(client_mia, letter_in_triage, case_anna):
    IntakeDocument.objects.filter(pk=letter_in_triage.pk).update(
        suggestions=[
            {
                "case": str(case_anna.uuid),
                "bg_number": case_anna.bg_number,
                "score": 0.71,
                "reason": "name + birth date",
            }
        ]
    )
    response = client_mia.get(item_url(letter_in_triage))
    html = response.content.decode()
    assert 'data-testid="triage-thumb"' in html and "angeforderten Unterlagen" in html
    assert 'data-shortcut-suggest="1"' in html and "96201BG0012345" in html
    assert ("Anna Schmidt" in html and "0.71" in html) or "0,71" in html
    assert 'data-testid="triage-shortcuts"' in html and "desk/triage.js" in html
    for key in ("<kbd>/</kbd>", "<kbd>t</kbd>", "<kbd>r</kbd>", "<kbd>s</kbd>", "<kbd>d</kbd>"):
        assert key in html
    assert f'name="version" value="{letter_in_triage.version}"' in html
    assert AuditEvent.objects.filter(
        action="intake.document.view", subject_id=str(letter_in_triage.uuid)
    ).exists()


def test_page_images(client_mia, letter_in_triage):
    url = reverse("desk:intake_page", args=[letter_in_triage.uuid, 0])
    thumb = client_mia.get(url)
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    large = client_mia.get(url, {"size": "large"})
    assert large.status_code == 200 and len(large.content) > len(thumb.content)


def test_assign_files_into_the_chosen_case_and_goes_on(
    client_mia, jobcenter, letter_in_triage, case_anna
):
    [later] = scan_in(jobcenter, "spaeter.pdf", [*LETTER, "noch ein Brief"])
    search = client_mia.get(
        item_url(letter_in_triage, "desk:triage_cases"), {"q": case_anna.bg_number}
    )
    assert case_anna.bg_number in search.content.decode()  # mailroom searches the jobcenter

    response = client_mia.post(
        item_url(letter_in_triage, "desk:triage_assign"),
        {"case": case_anna.uuid, "version": letter_in_triage.version},
    )
    assert response.status_code == 302 and response["Location"] == item_url(later)
    letter_in_triage.refresh_from_db()
    assert letter_in_triage.status == IntakeStatus.FILED and letter_in_triage.case == case_anna
    document = Document.objects.get(case=case_anna)
    assert letter_in_triage.document == document
    assert "angeforderten Unterlagen" in document.current_version.text


def test_assign_to_a_case_of_another_jobcenter_is_404(client_mia, letter_in_triage, customer_carl):
    from amtsbote.cases.tests.factories import CaseFactory, JobcenterFactory

    other = CaseFactory(jobcenter=JobcenterFactory(slug="anderswo"), bg_number="12345BG0000001")
    response = client_mia.post(
        item_url(letter_in_triage, "desk:triage_assign"),
        {"case": other.uuid, "version": letter_in_triage.version},
    )
    assert response.status_code == 404
    letter_in_triage.refresh_from_db()
    assert letter_in_triage.status == IntakeStatus.TRIAGE


def test_set_type(client_mia, letter_in_triage):
    response = client_mia.post(
        item_url(letter_in_triage, "desk:triage_set_type"),
        {"type_code": "mietvertrag", "version": letter_in_triage.version},
    )
    assert response.status_code == 302 and response["Location"] == item_url(letter_in_triage)
    letter_in_triage.refresh_from_db()
    assert letter_in_triage.type_code == "mietvertrag"


def test_discard_goes_back_to_the_empty_queue(client_mia, letter_in_triage):
    response = client_mia.post(
        item_url(letter_in_triage, "desk:triage_discard"),
        {"reason": "Werbung", "version": letter_in_triage.version},
    )
    assert response.status_code == 302 and response["Location"] == reverse("desk:triage")
    letter_in_triage.refresh_from_db()
    assert letter_in_triage.status == IntakeStatus.DISCARDED
    assert not Document.objects.exists()


def test_stale_version_is_a_conflict_and_keeps_the_input(client_mia, lead_lena, letter_in_triage):
    seen = letter_in_triage.version
    services.intake_document_set_type(
        intake_document=letter_in_triage,
        type_code="kontoauszug",
        actor=lead_lena,
        expected_version=seen,
    )
    response = client_mia.post(
        item_url(letter_in_triage, "desk:triage_discard"),
        {"reason": "doppelt eingescannt", "version": seen},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="triage-conflict"' in html and 'data-testid="triage-your-choice"' in html
    assert 'value="doppelt eingescannt"' in html  # the reason typed is still there
    letter_in_triage.refresh_from_db()
    assert letter_in_triage.status == IntakeStatus.TRIAGE
    assert f'name="version" value="{letter_in_triage.version}"' in html  # decide again


def test_conflict_after_someone_else_filed_it(client_mia, lead_lena, letter_in_triage, case_anna):
    seen = letter_in_triage.version
    services.intake_document_assign(
        intake_document=letter_in_triage, case=case_anna, actor=lead_lena, expected_version=seen
    )
    response = client_mia.post(
        item_url(letter_in_triage, "desk:triage_set_type"),
        {"type_code": "mietvertrag", "version": seen},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="triage-done"' in html and case_anna.bg_number in html


def test_split_rotate_and_merge(client_mia, two_pages_in_triage):
    intake = two_pages_in_triage
    response = client_mia.post(
        item_url(intake, "desk:triage_rotate"),
        {"page": "", "degrees": 90, "version": intake.version},
    )
    assert response.status_code == 302
    assert list(intake.file.pages.values_list("manual_rotation", flat=True)) == [90, 90]
    intake.refresh_from_db()
    turned = client_mia.get(reverse("desk:intake_page", args=[intake.uuid, 0]))
    assert turned.status_code == 200

    response = client_mia.post(
        item_url(intake, "desk:triage_split"), {"after": 1, "version": intake.version}
    )
    assert response.status_code == 302
    first, second = IntakeDocument.objects.filter(file=intake.file).order_by("first_page")
    assert (first.first_page, first.last_page, second.first_page) == (0, 0, 1)

    page = client_mia.get(item_url(first)).content.decode()
    assert 'data-testid="merge-form"' in page
    response = client_mia.post(
        item_url(first, "desk:triage_merge"),
        {"following": second.uuid, "following_version": second.version, "version": first.version},
    )
    assert response.status_code == 302
    [merged] = IntakeDocument.objects.filter(file=intake.file)
    assert (merged.first_page, merged.last_page) == (0, 1)
