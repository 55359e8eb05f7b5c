"""Documents through the API: uploads take the path of every upload (real clamd, checks,
cleaning), downloads go through core.http.file_response, reads are audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from amtsbote.audit.models import AuditEvent
from amtsbote.documents.constants import Source
from amtsbote.documents.models import Document
from amtsbote.documents.tests import samples
from amtsbote.documents.tests.clamd_server import eicar


def _pdf(name="bescheinigung.pdf", **kwargs):
    return SimpleUploadedFile(name, samples.pdf_bytes(**kwargs), content_type="application/pdf")


def _upload(api, case, *files, **fields):
    body = {"files": list(files), "title": "Lohnabrechnung Mai", **fields}
    return api.post(
        f"/api/v1/cases/{case.uuid}/documents/",
        body,
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",  # messages in the client's language (German by default)
    )


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_files_one_document_audited_with_the_client(api, case_anna, fachverfahren):
    response = _upload(
        api,
        case_anna,
        _pdf(pages=2),
        SimpleUploadedFile("foto.jpg", samples.jpeg_bytes(lines=["Seite 3"])),
        document_type="lohnabrechnung",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["document_type"] == "lohnabrechnung" and body["register"] == "einkommen"
    assert body["current_version"]["pages"] == 3
    document = Document.objects.get(uuid=body["uuid"])
    assert document.source == Source.API and document.submitted_by == fachverfahren.user
    assert document.originals.count() == 2
    event = AuditEvent.objects.get(action="documents.document.create", subject_id=body["uuid"])
    assert event.actor == fachverfahren.user


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("virus.pdf", eicar()), "malware"),
        (lambda: SimpleUploadedFile("a.exe", b"MZ\x90\x00" + b"\x00" * 200), "cannot be accepted"),
        (lambda: SimpleUploadedFile("leer.pdf", b""), "empty"),
    ],
)
def test_a_refused_file_refuses_the_upload_and_nothing_is_stored(
    api, case_anna, settings, upload, message
):
    before = _stored_files(settings)
    response = _upload(api, case_anna, _pdf(), upload())
    assert response.status_code == 400
    error = response.json()["error"]
    assert message in " ".join(error["fields"]["files"])
    assert not Document.objects.exists()
    assert _stored_files(settings) == before


def test_upload_needs_files_and_a_title(api, case_anna):
    response = api.post(f"/api/v1/cases/{case_anna.uuid}/documents/", {}, format="multipart")
    assert response.status_code == 400
    assert {"files", "title"} <= set(response.json()["error"]["fields"])
    response = _upload(api, case_anna, _pdf(), document_type="gibtsnicht")
    assert response.status_code == 400 and "document_type" in response.json()["error"]["fields"]
    assert not Document.objects.exists()


def test_json_is_no_upload(api, case_anna):
    response = api.post(f"/api/v1/cases/{case_anna.uuid}/documents/", {"title": "x"}, format="json")
    assert response.status_code == 415


def test_clamd_down_is_503_and_nothing_stored(api, case_anna, settings, tmp_path):
    settings.ANTIVIRUS_CLAMD = str(tmp_path / "no-clamd.sock")
    response = _upload(api, case_anna, _pdf())
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "scan_unavailable"
    assert not Document.objects.exists()


def test_list_retrieve_download(api, case_anna, fachverfahren):
    uuid = _upload(api, case_anna, _pdf(lines=["Hallo"])).json()["uuid"]
    listing = api.get(f"/api/v1/cases/{case_anna.uuid}/documents/").json()
    assert [d["uuid"] for d in listing["results"]] == [uuid]
    detail = api.get(f"/api/v1/documents/{uuid}/")
    assert detail.status_code == 200 and detail.json()["title"] == "Lohnabrechnung Mai"
    response = api.get(f"/api/v1/documents/{uuid}/file/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    actions = set(
        AuditEvent.objects.filter(subject_id=uuid, actor=fachverfahren.user).values_list(
            "action", flat=True
        )
    )
    assert {"documents.document.view", "documents.document.download"} <= actions


def test_another_jobcenter_and_wrong_scope(api, api_other_jobcenter, api_no_scope, case_anna):
    uuid = _upload(api, case_anna, _pdf()).json()["uuid"]
    for url in (
        f"/api/v1/cases/{case_anna.uuid}/documents/",
        f"/api/v1/documents/{uuid}/",
        f"/api/v1/documents/{uuid}/file/",
    ):
        assert api_other_jobcenter.get(url).status_code == 404
        assert api_no_scope.get(url).status_code == 403
    assert _upload(api_other_jobcenter, case_anna, _pdf()).status_code == 404
    assert _upload(api_no_scope, case_anna, _pdf()).status_code == 403
    assert Document.objects.count() == 1
