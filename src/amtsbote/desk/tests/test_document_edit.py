"""Editing document metadata: two people save the same document, the second loses nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from amtsbote.accounts.tests.factories import StaffFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.models import FilePlanEntry
from amtsbote.core.exceptions import ValidationFailed
from amtsbote.documents.models import DocumentType
from amtsbote.documents.services import EditConflict, document_update_metadata
from amtsbote.documents.tests.test_search import add_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(case_anna):
    return add_document(case_anna, title="Scan 0815", type_code="sonstiges")


@pytest.fixture
def client_clara(team_leistung):
    clara = StaffFactory(
        email="clara@jobcenter.example",
        first_name="Clara",
        last_name="Jung",
        jobcenter=team_leistung.jobcenter,
        teams=[team_leistung],
    )
    client = Client()
    client.force_login(clara)
    return client


def url(document) -> str:
    return reverse("desk:document_edit", args=[document.uuid])


def test_form_shows_current_values(client_ben, document):
    response = client_ben.get(url(document))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Scan 0815"' in html
    assert '<option value="sonstiges" selected>' in html
    assert '<option value="schriftverkehr" selected>' in html
    assert 'name="lock_version" value="0"' in html


def test_save_changes_metadata_counts_the_version_and_audits(client_ben, document):
    response = client_ben.post(
        url(document),
        {
            "title": "Mietvertrag 2026",
            "document_type": "mietvertrag",
            "register": "unterkunft",
            "lock_version": "0",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:document_detail", args=[document.uuid])
    document.refresh_from_db()
    assert document.title == "Mietvertrag 2026"
    assert document.document_type.code == "mietvertrag"
    assert document.register.code == "unterkunft"
    assert document.lock_version == 1
    event = AuditEvent.objects.get(action="documents.document.update_metadata")
    assert event.actor_label == "ben@jobcenter.example"
    assert event.data["changes"]["title"] == ["Scan 0815", "Mietvertrag 2026"]
    assert event.data["lock_version"] == 1


def test_second_save_gets_a_conflict_and_keeps_its_input(client_ben, client_clara, document):
    # Both open the form on version 0.
    for client in (client_ben, client_clara):
        assert 'name="lock_version" value="0"' in client.get(url(document)).content.decode()

    first = client_clara.post(
        url(document),
        {
            "title": "Kontoauszug Januar",
            "document_type": "kontoauszug",
            "register": "vermoegen",
            "lock_version": "0",
        },
    )
    second = client_ben.post(
        url(document),
        {
            "title": "Mietvertrag Ben",
            "document_type": "mietvertrag",
            "register": "unterkunft",
            "lock_version": "0",
        },
    )

    assert first.status_code == 302
    assert second.status_code == 409
    html = second.content.decode()
    # A clear message with what the other person saved …
    assert 'data-testid="edit-conflict"' in html
    assert "Clara Jung" in html
    assert "Kontoauszug Januar" in html
    assert "Vermögen" in html
    # … and the user's own input still in the form, now based on the saved version.
    assert 'value="Mietvertrag Ben"' in html
    assert '<option value="mietvertrag" selected>' in html
    assert '<option value="unterkunft" selected>' in html
    assert 'name="lock_version" value="1"' in html
    document.refresh_from_db()
    assert document.title == "Kontoauszug Januar"

    # Saving again, knowingly, replaces what Clara saved.
    again = client_ben.post(
        url(document),
        {
            "title": "Mietvertrag Ben",
            "document_type": "mietvertrag",
            "register": "unterkunft",
            "lock_version": "1",
        },
    )
    assert again.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.lock_version) == ("Mietvertrag Ben", 2)


def test_invalid_input_is_shown_and_nothing_is_saved(client_ben, document):
    response = client_ben.post(
        url(document),
        {"title": "", "document_type": "nope", "register": "unterkunft", "lock_version": "0"},
    )

    assert response.status_code == 200
    assert response.content.decode().count('class="kern-error"') == 2
    document.refresh_from_db()
    assert (document.title, document.lock_version) == ("Scan 0815", 0)


def test_registers_of_another_jobcenter_are_not_offered(client_ben, stranger_sara, document):
    foreign = FilePlanEntry.objects.get(jobcenter=stranger_sara.jobcenter, code="unterkunft")
    response = client_ben.post(
        url(document),
        {"title": "X", "document_type": "sonstiges", "register": foreign.pk, "lock_version": "0"},
    )
    assert response.status_code == 200
    document.refresh_from_db()
    assert document.register.jobcenter_id == document.case.jobcenter_id


def test_gate_allowed_forbidden_missing(client, client_ben, stranger_sara, customer_anna, document):
    assert client_ben.get(url(document)).status_code == 200
    client.force_login(stranger_sara)
    assert client.get(url(document)).status_code == 404
    assert client.post(url(document), {"title": "x", "lock_version": "0"}).status_code == 404
    client.force_login(customer_anna)
    assert client.get(url(document)).status_code == 404
    missing = reverse("desk:document_edit", args=["00000000-0000-0000-0000-000000000000"])
    assert client_ben.get(missing).status_code == 404


# --- the service ----------------------------------------------------------------------------


def test_service_refuses_an_outdated_version(caseworker_ben, document):
    document_update_metadata(
        document=document, actor=caseworker_ben, expected_version=0, title="Erste Änderung"
    )

    with pytest.raises(EditConflict) as info:
        document_update_metadata(
            document=document, actor=caseworker_ben, expected_version=0, title="Veraltet"
        )

    assert info.value.current.title == "Erste Änderung"
    assert info.value.current.lock_version == 1
    assert info.value.changed_by == "Ben Becker"
    document.refresh_from_db()
    assert document.title == "Erste Änderung"
    assert AuditEvent.objects.filter(action="documents.document.update_metadata").count() == 1


def test_service_without_changes_writes_nothing(caseworker_ben, document):
    result = document_update_metadata(
        document=document, actor=caseworker_ben, expected_version=0, title=" Scan  0815 "
    )
    assert result.lock_version == 0
    assert not AuditEvent.objects.filter(action="documents.document.update_metadata").exists()


def test_service_validates(caseworker_ben, stranger_sara, document):
    with pytest.raises(ValidationFailed):
        document_update_metadata(
            document=document, actor=caseworker_ben, expected_version=0, title="  "
        )
    with pytest.raises(ValidationFailed):
        document_update_metadata(
            document=document,
            actor=caseworker_ben,
            expected_version=0,
            register=FilePlanEntry.objects.get(jobcenter=stranger_sara.jobcenter, code="antrag"),
        )
    document_update_metadata(
        document=document,
        actor=caseworker_ben,
        expected_version=0,
        document_type=DocumentType.objects.get(code="kontoauszug"),
    )
    document.refresh_from_db()
    assert document.document_type.code == "kontoauszug"
    assert document.register.code == "schriftverkehr"  # register only changes when asked
