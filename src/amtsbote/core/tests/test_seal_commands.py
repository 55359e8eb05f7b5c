"""``manage.py seal_certificate_create`` and ``manage.py verify_receipt``."""

from __future__ import annotations

import io
import stat

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from amtsbote.core import sealing

from . import seal_samples


@pytest.fixture(autouse=True)
def _own_seal_in_english(own_demo_seal):
    with translation.override("en"):
        yield


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_seal_certificate_create_is_idempotent(settings):
    code, first = run("seal_certificate_create")
    path = settings.VAR_DIR / "keys" / "seal-demo.p12"
    content = path.read_bytes()

    code_again, second = run("seal_certificate_create")

    assert code == code_again == 0
    assert "Demo seal certificate made" in first
    assert "already there" in second
    assert "Amtsbote Demo-Siegel" in second
    assert path.read_bytes() == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_seal_certificate_create_reports_an_unreadable_configured_certificate(settings, tmp_path):
    broken = tmp_path / "broken.p12"
    broken.write_bytes(b"not a pkcs12 file")
    settings.SEAL_PKCS12 = str(broken)

    with pytest.raises(CommandError, match="Cannot read the seal certificate"):
        call_command("seal_certificate_create", stdout=io.StringIO())


def test_verify_receipt_says_genuine_with_exit_status_0(tmp_path):
    path = tmp_path / "beleg.pdf"
    path.write_bytes(sealing.seal_pdf(seal_samples.plain_pdf(), reason="Eingangsbestätigung"))

    code, out = run("verify_receipt", str(path))

    assert code == 0
    assert "GENUINE" in out and "NOT GENUINE" not in out
    assert "signer: Amtsbote Demo-Siegel" in out
    assert "seal covers the whole file: True" in out


def test_verify_receipt_says_not_genuine_for_a_tampered_receipt_with_exit_status_1(tmp_path):
    sealed = sealing.seal_pdf(seal_samples.plain_pdf(), reason="Eingangsbestätigung")
    path = tmp_path / "beleg.pdf"
    path.write_bytes(seal_samples.change_text(sealed))

    code, out = run("verify_receipt", str(path))

    assert code == 1
    assert "NOT GENUINE" in out
    assert "changed after it was sealed" in out


def test_verify_receipt_says_not_genuine_for_an_unsigned_pdf(tmp_path):
    path = tmp_path / "ohne.pdf"
    path.write_bytes(seal_samples.plain_pdf())

    code, out = run("verify_receipt", str(path))

    assert code == 1
    assert "no electronic seal" in out


def test_verify_receipt_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("verify_receipt", str(tmp_path / "missing.pdf"), stdout=io.StringIO())
