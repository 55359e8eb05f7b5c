"""The committed ``openapi.yaml`` is the schema the code makes, and schemathesis, driven by
that schema with a valid key, finds no server error on any operation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.documents.tests import samples

from .test_intake import _intake as intake_document

SCHEMA_FILE = Path(settings.PROJECT_DIR) / "openapi.yaml"
REGENERATE = "uv run python manage.py spectacular --lang en --file openapi.yaml"


def generated_schema() -> str:
    out = io.StringIO()
    call_command("spectacular", lang="en", stdout=out)
    return out.getvalue()


def test_openapi_yaml_is_up_to_date():
    assert SCHEMA_FILE.read_text() == generated_schema(), (
        f"openapi.yaml is stale: the API changed. Regenerate it with `{REGENERATE}` "
        "and commit it with the change."
    )


def test_the_schema_is_served(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/cases/" in response.json()["paths"]


schema = schemathesis.openapi.from_path(SCHEMA_FILE)


@pytest.fixture
def wsgi_app():
    """Django's WSGI application in this process, in the test's transaction: the request's
    start and end must not close the connection (as Django's own test client arranges too)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield WSGIHandler()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def world(fachverfahren, case_anna, customer_anna, jobcenter, settings):
    """One object of every kind in the client's jobcenter (made through the API), so that
    the generated requests reach real objects, not only 404s."""
    settings.API_THROTTLE_RATE = ""  # schemathesis sends many requests
    api = fachverfahren.http
    person = customer_anna.person
    PersonFactory(case=case_anna)
    pdf = SimpleUploadedFile("a.pdf", samples.pdf_bytes())
    document = api.post(
        f"/api/v1/cases/{case_anna.uuid}/documents/",
        {"files": [pdf], "title": "Mietvertrag"},
        format="multipart",
    ).json()["uuid"]
    doc_request = api.post(
        f"/api/v1/cases/{case_anna.uuid}/requests/",
        {"items": [{"label": "Kontoauszüge"}]},
        format="json",
    ).json()["uuid"]
    letter = api.post(
        f"/api/v1/cases/{case_anna.uuid}/letters/",
        {
            "addressee": str(person.uuid),
            "kind": "bescheid",
            "subject": "Bescheid",
            "file": SimpleUploadedFile("b.pdf", samples.pdf_bytes()),
        },
        format="multipart",
    ).json()["uuid"]
    fachverfahren.objects = {
        "case_uuid": str(case_anna.uuid),
        "person_uuid": str(person.uuid),
        "document_uuid": document,
        "request_uuid": doc_request,
        "letter_uuid": letter,
        "intake_uuid": str(intake_document(jobcenter, case=case_anna).uuid),
    }
    return fachverfahren


@schema.parametrize()
@hypothesis_settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case, world, wsgi_app):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {world.key}"}
    for name in case.path_parameters or {}:
        case.path_parameters[name] = world.objects[name]
    response = case.call(app=wsgi_app)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
