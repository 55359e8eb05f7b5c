"""Operations: readiness, Prometheus metrics and structured logs with request ids."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest
import structlog
from django.test import Client
from django.urls import reverse
from django_tasks import task

from amtsbote.core import metrics
from amtsbote.core.logs import REQUEST_ID_HEADER, logging_config
from amtsbote.desk.tests.conftest import make_document
from amtsbote.documents.services import document_version_recognise

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-the-test"


def _sample(name: str, labels: dict[str, str]) -> float:
    return metrics.registry().get_sample_value(name, labels) or 0.0


# --- readiness ----------------------------------------------------------------------------------


def test_ready_when_database_migrations_storage_and_clamd_answer():
    response = Client().get(reverse("readyz"))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ready"
    assert {name for name, check in body["checks"].items() if check["ok"]} >= {
        "database",
        "migrations",
        "storage",
        "antivirus",
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_not_ready_without_the_virus_scanner_and_says_why(settings, tmp_path):
    settings.ANTIVIRUS_CLAMD = str(tmp_path / "no-clamd.sock")

    response = Client().get(reverse("readyz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["antivirus"]["ok"] is False
    assert "no-clamd.sock" in body["checks"]["antivirus"]["error"]
    assert body["checks"]["database"]["ok"] is True


def test_not_ready_when_the_storage_is_unreachable(settings, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the storage directory should be")
    default = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**default, "OPTIONS": {**default["OPTIONS"], "location": str(blocked / "x")}},
    }

    response = Client().get(reverse("readyz"))

    assert response.status_code == 503
    check = response.json()["checks"]["storage"]
    assert check["ok"] is False
    assert "not-a-directory" in check["error"]


# --- metrics ------------------------------------------------------------------------------------


def test_no_metrics_without_a_token_configured(settings):
    settings.METRICS_TOKEN = ""
    assert Client().get(reverse("metrics")).status_code == 404
    assert Client().get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer anything").status_code == 404


def test_metrics_need_the_token(settings):
    settings.METRICS_TOKEN = TOKEN
    assert Client().get(reverse("metrics")).status_code == 404
    assert Client().get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer wrong").status_code == 404

    response = Client().get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"amtsbote_http_requests_total" in response.content


def test_requests_are_counted_by_view_name_not_path(settings, customer_anna):
    labels = {"method": "GET", "view": "portal:home", "status": "200"}
    before = _sample("amtsbote_http_requests_total", labels)
    client = Client()
    client.force_login(customer_anna)

    client.get(reverse("portal:home"))
    client.get(reverse("portal:home"))

    assert _sample("amtsbote_http_requests_total", labels) == before + 2
    assert _sample("amtsbote_http_request_duration_seconds_count", {"view": "portal:home"}) >= 2
    settings.METRICS_TOKEN = TOKEN
    text = Client().get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content
    assert b'view="portal:home"' in text
    assert b"/portal/" not in text


@task()
def quick_task() -> str:
    return "done"


def test_task_durations_are_recorded():
    labels = {"task": quick_task.module_path, "status": "SUCCESSFUL"}
    before = _sample("amtsbote_task_duration_seconds_count", labels)

    quick_task.enqueue()  # the suite's ImmediateBackend runs it here

    assert _sample("amtsbote_task_duration_seconds_count", labels) == before + 1


def test_queue_depth_is_read_from_the_database(database_tasks):
    labels = {"queue": "default", "status": "READY"}
    before = _sample("amtsbote_task_queue_depth", labels)

    quick_task.enqueue()
    quick_task.enqueue()

    assert _sample("amtsbote_task_queue_depth", labels) == before + 2


def test_ocr_pages_are_counted(case_anna):
    document = make_document(case_anna, pages=2, title="Kontoauszug")
    labels = {"source": "upload"}
    before = _sample("amtsbote_ocr_pages_total", labels)

    document_version_recognise(version_id=document.current_version.pk)

    assert _sample("amtsbote_ocr_pages_total", labels) == before + 2


# --- logs ---------------------------------------------------------------------------------------


@pytest.fixture
def json_log():
    """The production log configuration (JSON lines), written to a buffer."""
    config = logging_config(log_format="json", level="INFO")
    formatter = logging.config.dictConfigClass(config).configure_custom(  # type: ignore[attr-defined]
        dict(config["formatters"]["structured"])
    )
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines() if line]
    finally:
        root.removeHandler(handler)


def test_a_request_gets_an_id_in_the_response_and_in_its_log_line(json_log, customer_anna):
    client = Client()
    client.force_login(customer_anna)

    response = client.get(reverse("portal:home"))

    request_id = response[REQUEST_ID_HEADER]
    assert len(request_id) == 32
    lines = [line for line in json_log() if line.get("event") == "request"]
    assert lines, json_log()
    line = lines[-1]
    assert line["request_id"] == request_id
    assert line["view"] == "portal:home"
    assert line["status"] == 200
    assert line["level"] == "info"
    assert "timestamp" in line


def test_the_proxys_request_id_is_kept_when_plausible_and_replaced_when_not(json_log):
    kept = Client().get(reverse("healthz"), HTTP_X_REQUEST_ID="edge-4711-abcdef")
    assert kept[REQUEST_ID_HEADER] == "edge-4711-abcdef"

    for hostile in ("short", "with spaces and more", "x" * 65, "evil\u202eid-12345"):
        replaced = Client().get(reverse("healthz"), HTTP_X_REQUEST_ID=hostile)
        assert replaced[REQUEST_ID_HEADER] != hostile
        assert len(replaced[REQUEST_ID_HEADER]) == 32


def test_library_log_lines_carry_the_request_id_too(json_log):
    structlog.contextvars.bind_contextvars(request_id="r-0123456789")
    try:
        logging.getLogger("django.request").warning("Not Found: %s", "/nowhere")
    finally:
        structlog.contextvars.clear_contextvars()

    line = json_log()[-1]
    assert line["event"] == "Not Found: /nowhere"
    assert line["request_id"] == "r-0123456789"
    assert line["logger"] == "django.request"
    assert line["level"] == "warning"
