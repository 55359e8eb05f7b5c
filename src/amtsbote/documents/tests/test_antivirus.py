"""The clamd client against the real clamd of the root conftest (test signatures: EICAR)."""

from __future__ import annotations

import logging
import socket

import pytest
from django.utils import translation

from amtsbote.audit.models import AuditEvent
from amtsbote.core.exceptions import UnsupportedUpload
from amtsbote.documents import antivirus, checks, processing
from amtsbote.documents.antivirus import Clamd, ClamdUnavailable, Verdict, parse_reply

from . import samples
from .clamd_server import SIGNATURE, eicar


@pytest.fixture
def client(clamd) -> Clamd:
    return Clamd(clamd.address, timeout=30)


@pytest.fixture
def nowhere(tmp_path) -> str:
    return str(tmp_path / "no-clamd.sock")


def test_ping_and_version(client):
    assert client.ping()
    assert client.version().startswith("ClamAV ")


def test_a_clean_file_is_clean(client):
    assert client.scan_bytes(samples.jpeg_bytes()).verdict == Verdict.CLEAN


def test_eicar_is_found_with_its_signature(client):
    result = client.scan_bytes(eicar())
    assert result.verdict == Verdict.FOUND
    assert result.signature.startswith(SIGNATURE)


def test_a_finding_across_chunk_boundaries_is_found(client):
    data = b"A" * (antivirus.CHUNK - 20) + eicar() + b"B" * (3 * antivirus.CHUNK)
    result = client.scan_bytes(data)
    assert result.verdict == Verdict.FOUND


def test_unreachable_clamd_is_an_error_not_clean(nowhere):
    result = Clamd(nowhere, timeout=2).scan_bytes(b"anything")
    assert result.verdict == Verdict.ERROR
    assert "no-clamd.sock" in result.detail
    with pytest.raises(ClamdUnavailable):
        Clamd(nowhere, timeout=2).ping()


def test_a_closed_tcp_port_is_an_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = Clamd(f"tcp://127.0.0.1:{port}", timeout=2).scan_bytes(b"x")
    assert result.verdict == Verdict.ERROR


def test_a_clamd_that_never_answers_times_out(tmp_path):
    path = str(tmp_path / "silent.sock")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(path)
        server.listen(1)  # accepts at the kernel level, never answers
        result = Clamd(path, timeout=0.5).scan_bytes(b"small")
    assert result.verdict == Verdict.ERROR


def test_an_address_that_is_neither_path_nor_host_port():
    with pytest.raises(ClamdUnavailable, match="host:port"):
        Clamd("clamd-without-port", timeout=1).ping()


def test_replies_are_parsed():
    assert parse_reply("stream: OK") == antivirus.ScanResult(Verdict.CLEAN)
    found = parse_reply("stream: Win.Test.EICAR_HDB-1 FOUND")
    assert (found.verdict, found.signature) == (Verdict.FOUND, "Win.Test.EICAR_HDB-1")
    error = parse_reply("INSTREAM size limit exceeded. ERROR")
    assert error.verdict == Verdict.ERROR and "size limit" in error.detail
    assert parse_reply("").verdict == Verdict.ERROR


# --- in the checking path ---------------------------------------------------------------------


@pytest.mark.django_db
def test_malware_is_refused_with_a_clear_message_and_audited():
    with translation.override("en"), pytest.raises(UnsupportedUpload) as error:
        processing.check_file("rechnung.pdf", eicar())
    assert error.value.code == "malware"
    assert error.value.message.startswith("rechnung.pdf: This file contains malware")
    event = AuditEvent.objects.get(action="documents.upload.malware")
    assert event.data["filename"] == "rechnung.pdf"
    assert event.data["signature"].startswith(SIGNATURE)


@pytest.mark.django_db
def test_malware_message_in_german():
    with translation.override("de"), pytest.raises(UnsupportedUpload) as error:
        processing.check_file("rechnung.pdf", eicar())
    assert "enthält Schadsoftware" in error.value.message


@pytest.mark.django_db
def test_without_clamd_uploads_are_refused_and_logged(settings, nowhere, caplog):
    settings.ANTIVIRUS_CLAMD = nowhere
    with (
        translation.override("en"),
        caplog.at_level(logging.ERROR, logger="amtsbote.documents.antivirus"),
        pytest.raises(UnsupportedUpload) as error,
    ):
        processing.check_file("foto.jpg", samples.jpeg_bytes())
    assert error.value.code == "scan_unavailable"
    assert "cannot be checked for malware right now" in error.value.message
    assert "try again later" in error.value.message
    assert any("virus scan failed" in r.getMessage() for r in caplog.records)


def test_switched_off_explicitly_files_pass_unscanned(settings, nowhere):
    settings.ANTIVIRUS = "off"
    settings.ANTIVIRUS_CLAMD = nowhere
    assert processing.check_file("foto.jpg", samples.jpeg_bytes()).kind == "jpeg"


# --- system checks ---------------------------------------------------------------------------


def test_system_check_is_quiet_when_clamd_answers():
    assert checks.check_antivirus(deploy=True) == []
    assert checks.check_antivirus(deploy=False) == []


def test_deploy_check_fails_loudly_without_clamd(settings, nowhere):
    settings.ANTIVIRUS_CLAMD = nowhere
    [error] = checks.check_antivirus(deploy=True)
    assert error.id == "amtsbote.E102" and error.is_serious()
    [warning] = checks.check_antivirus(deploy=False)
    assert warning.id == "amtsbote.W102" and not warning.is_serious()


def test_deploy_check_fails_loudly_when_switched_off(settings):
    settings.ANTIVIRUS = "off"
    [error] = checks.check_antivirus(deploy=True)
    assert error.id == "amtsbote.E101" and error.is_serious()


def test_the_checks_are_registered():
    from django.core.checks import registry

    deploy = registry.registry.get_checks(include_deployment_checks=True)
    assert checks.antivirus_deploy_check in deploy
    assert checks.antivirus_deploy_check not in registry.registry.get_checks()
    assert checks.antivirus_start_check in registry.registry.get_checks()


def test_files_amtsbote_made_itself_do_not_wait_for_clamd(settings, nowhere):
    """A form's PDF or a thread's record is checked and cleaned, but not scanned."""
    settings.ANTIVIRUS_CLAMD = nowhere
    pdf = samples.pdf_bytes(1)
    assert processing.check_generated("formular.pdf", pdf).kind == "pdf"
    with pytest.raises(UnsupportedUpload):
        processing.check_file("formular.pdf", pdf)
