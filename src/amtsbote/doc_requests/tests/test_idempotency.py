"""A send repeated with the same idempotency key is stored once (retries after a lost answer)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import translation

from amtsbote.core.exceptions import ValidationFailed
from amtsbote.doc_requests.models import DocRequest, Submission
from amtsbote.doc_requests.services import ItemSpec, doc_request_create, submission_create
from amtsbote.documents.models import Document, DocumentType, DocumentVersion, OriginalFile
from amtsbote.documents.tests import samples

pytestmark = pytest.mark.django_db

KEY = "k" * 16 + "-retry_0001"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def rent_request(case_anna, team_leistung, caseworker_ben, customer_anna):
    return doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(document_type=DocumentType.objects.get(code="mietvertrag"))],
    )


def stored_files() -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _send(request: DocRequest, user, key: str, text: str = "Seite 1") -> Submission:
    item = request.items.get()
    return submission_create(
        request=request,
        submitted_by=user,
        files_by_item={item: [("seite.jpg", samples.jpeg_bytes(["Mietvertrag", text]))]},
        client_key=key,
    )


def test_same_key_returns_the_first_submission_and_stores_nothing_again(
    rent_request, customer_anna
):
    first = _send(rent_request, customer_anna, KEY)
    files = stored_files()
    assert files

    # The first send fulfilled the only item: the request is closed, the retry still answers.
    rent_request.refresh_from_db()
    assert not rent_request.is_open
    again = _send(rent_request, customer_anna, KEY)

    assert again.pk == first.pk
    assert again.reference == first.reference
    assert Submission.objects.count() == 1
    assert Document.objects.count() == 1
    assert OriginalFile.objects.count() == 1
    assert stored_files() == files


def test_same_key_with_other_files_is_still_the_first_submission(rent_request, customer_anna):
    first = _send(rent_request, customer_anna, KEY, text="erste Fassung")
    again = _send(rent_request, customer_anna, KEY, text="ganz andere Seite")
    assert again.pk == first.pk
    assert OriginalFile.objects.count() == 1
    sha = first.manifest["items"][0]["files"][0]["sha256"]
    assert OriginalFile.objects.get().sha256 == sha


def test_without_a_key_every_send_is_new(case_anna, team_leistung, caseworker_ben, customer_anna):
    request = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[
            ItemSpec(document_type=DocumentType.objects.get(code="mietvertrag")),
            ItemSpec(document_type=DocumentType.objects.get(code="meldebescheinigung")),
        ],
    )
    item = request.items.order_by("position").first()
    for _ in range(2):
        submission_create(
            request=request,
            submitted_by=customer_anna,
            files_by_item={item: [("seite.jpg", samples.jpeg_bytes())]},
        )
    assert Submission.objects.count() == 2
    assert set(Submission.objects.values_list("client_key", flat=True)) == {""}


def test_different_keys_make_different_submissions(
    case_anna, team_leistung, caseworker_ben, customer_anna
):
    request = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[
            ItemSpec(document_type=DocumentType.objects.get(code="mietvertrag")),
            ItemSpec(document_type=DocumentType.objects.get(code="meldebescheinigung")),
        ],
    )
    item = request.items.order_by("position").first()
    a, b = (
        submission_create(
            request=request,
            submitted_by=customer_anna,
            files_by_item={item: [("seite.jpg", samples.jpeg_bytes())]},
            client_key=key,
        )
        for key in ("a" * 20, "b" * 20)
    )
    assert a.pk != b.pk
    assert Submission.objects.count() == 2


def test_a_malformed_key_is_refused_and_nothing_stored(rent_request, customer_anna):
    with pytest.raises(ValidationFailed, match="reload the page"):
        _send(rent_request, customer_anna, "short")
    with pytest.raises(ValidationFailed, match="reload the page"):
        _send(rent_request, customer_anna, "x" * 20 + "<script>")
    assert Submission.objects.count() == 0
    assert stored_files() == []


def test_a_key_used_for_another_request_is_refused(
    rent_request, case_anna, team_leistung, caseworker_ben, customer_anna
):
    _send(rent_request, customer_anna, KEY)
    other = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(document_type=DocumentType.objects.get(code="meldebescheinigung"))],
    )
    with pytest.raises(ValidationFailed, match="another request"):
        _send(other, customer_anna, KEY)
    assert Submission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sends_with_the_same_key_store_one(rent_request, customer_anna):
    """Two connections send at the same moment (a double tap, a retry racing the original)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises writes")
    barrier = threading.Barrier(2)
    results: list[Submission] = []
    errors: list[BaseException] = []

    def send(text: str) -> None:
        try:
            request = DocRequest.objects.get(pk=rent_request.pk)
            barrier.wait(timeout=30)
            results.append(_send(request, customer_anna, KEY, text=text))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(f"Seite {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(results) == 2
    assert results[0].pk == results[1].pk
    assert Submission.objects.count() == 1
    assert Document.objects.count() == 1
    assert OriginalFile.objects.count() == 1
    # The files of the send that lost were removed again: only referenced files remain.
    assert {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored_files()} == (
        referenced_files()
    )


def referenced_files() -> set[str]:
    names = set(OriginalFile.objects.values_list("file", flat=True))
    for file, thumbnail in DocumentVersion.objects.values_list("file", "thumbnail"):
        names |= {file, thumbnail} - {""}
    return names
