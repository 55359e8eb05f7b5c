"""Sealed PDFs verify as genuine; every kind of change or foreign seal does not."""

from __future__ import annotations

import asyncio
import datetime as dt
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone, translation

from amtsbote.core import sealing

from . import seal_samples


@pytest.fixture(autouse=True)
def _own_seal_in_english(own_demo_seal):
    """Each test gets its own demo certificate, made on first use."""
    with translation.override("en"):
        yield


def seal(data: bytes) -> bytes:
    return sealing.seal_pdf(data, reason="Eingangsbestätigung R-TEST", location="Musterstadt")


def test_a_sealed_pdf_is_genuine():
    verdict = sealing.verify_pdf(seal(seal_samples.plain_pdf()))

    assert verdict.genuine, verdict.reason
    assert verdict.covers_whole_document
    assert not verdict.modified_after_sealing
    assert verdict.signer == "Amtsbote Demo-Siegel 127.0.0.1"
    assert verdict.signed_at is not None
    assert abs(timezone.now() - verdict.signed_at) < dt.timedelta(minutes=1)
    assert not verdict.timestamped  # no TSA configured
    assert verdict.demo_certificate
    assert "has not been changed" in verdict.reason


def test_a_weasyprint_pdf_is_sealed_and_genuine():
    import weasyprint

    data = weasyprint.HTML(string="<h1>Eingangsbestätigung</h1>" + "<p>Zeile</p>" * 90).write_pdf()
    sealed = seal(data)

    assert sealed.startswith(data)  # incremental: the original bytes are kept as they were
    assert sealing.verify_pdf(sealed).genuine


def test_a_changed_time_in_the_content_stream_is_not_genuine():
    sealed = seal(seal_samples.plain_pdf())
    assert sealing.verify_pdf(sealed).genuine

    verdict = sealing.verify_pdf(seal_samples.change_text(sealed))

    assert not verdict.genuine
    assert verdict.modified_after_sealing
    assert "changed after it was sealed" in verdict.reason


def test_a_flipped_bit_in_a_compressed_stream_is_not_genuine():
    import weasyprint

    sealed = seal(weasyprint.HTML(string="<p>Eingang 10:00</p>").write_pdf())

    verdict = sealing.verify_pdf(seal_samples.flip_byte_in_stream(sealed))

    assert not verdict.genuine
    assert verdict.modified_after_sealing


def test_an_appended_revision_with_other_text_is_not_genuine():
    sealed = seal(seal_samples.plain_pdf())
    forged = seal_samples.append_text_revision(sealed)
    assert forged.startswith(sealed)  # the sealed revision itself is untouched

    verdict = sealing.verify_pdf(forged)

    assert not verdict.genuine
    assert not verdict.covers_whole_document
    assert verdict.modified_after_sealing
    assert "added to the file after it was sealed" in verdict.reason


def test_an_appended_annotation_is_not_genuine():
    verdict = sealing.verify_pdf(seal_samples.append_annotation(seal(seal_samples.plain_pdf())))

    assert not verdict.genuine
    assert not verdict.covers_whole_document


def test_a_pdf_saved_again_by_another_tool_is_not_genuine():
    verdict = sealing.verify_pdf(seal_samples.rewrite_with_qpdf(seal(seal_samples.plain_pdf())))

    assert not verdict.genuine


def test_a_pdf_sealed_with_another_certificate_of_the_same_name_is_not_genuine(settings, tmp_path):
    ours = sealing.seal_certificate_subject()
    settings.SEAL_PKCS12 = str(seal_samples.self_signed_p12(tmp_path / "forger.p12", ours))
    forged = seal(seal_samples.plain_pdf())
    settings.SEAL_PKCS12 = ""  # back to this installation's certificate

    verdict = sealing.verify_pdf(forged)

    assert not verdict.genuine
    assert verdict.covers_whole_document  # intact, just not ours
    assert "not with the seal certificate of this service" in verdict.reason


def test_an_unsigned_pdf_is_not_genuine():
    verdict = sealing.verify_pdf(seal_samples.plain_pdf())

    assert not verdict.genuine
    assert verdict.reason == "The file carries no electronic seal."
    assert verdict.signer == ""


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The file is not a PDF."),
        (b"GIF89a not a pdf", "The file is not a PDF."),
        (b"%PDF-1.7\n garbage without a trailer", "damaged or not a readable PDF"),
    ],
)
def test_what_is_not_a_pdf_is_not_genuine(data, reason):
    verdict = sealing.verify_pdf(data)

    assert not verdict.genuine
    assert reason in verdict.reason


def test_a_second_seal_on_an_already_signed_pdf_is_genuine():
    """A Bescheid signed elsewhere can be sealed on top (approval, not certification)."""
    twice = seal(seal(seal_samples.plain_pdf()))

    assert sealing.verify_pdf(twice).genuine


def test_a_configured_certificate_that_chains_to_the_trust_root_is_genuine(settings, tmp_path):
    root, leaf = seal_samples.ca_and_leaf(tmp_path, "Test-CA")
    settings.SEAL_PKCS12 = str(leaf)
    settings.SEAL_TRUST_ROOTS = str(root)

    verdict = sealing.verify_pdf(seal(seal_samples.plain_pdf()))

    assert verdict.genuine, verdict.reason
    assert verdict.signer == "Siegel von Test-CA"
    assert not verdict.demo_certificate


def test_a_certificate_from_another_ca_is_not_genuine(settings, tmp_path):
    root, leaf = seal_samples.ca_and_leaf(tmp_path, "Test-CA")
    _other_root, other_leaf = seal_samples.ca_and_leaf(tmp_path, "Fremde-CA")
    settings.SEAL_PKCS12 = str(other_leaf)
    sealed = seal(seal_samples.plain_pdf())
    settings.SEAL_PKCS12 = str(leaf)  # this service's certificate and its CA
    settings.SEAL_TRUST_ROOTS = str(root)
    assert sealing.verify_pdf(seal(seal_samples.plain_pdf())).genuine

    verdict = sealing.verify_pdf(sealed)

    assert not verdict.genuine
    assert "not with the seal certificate of this service" in verdict.reason


def test_a_renewed_certificate_from_the_same_ca_still_verifies_older_receipts(settings, tmp_path):
    root, leaf = seal_samples.ca_and_leaf(tmp_path, "Test-CA")
    settings.SEAL_PKCS12 = str(leaf)
    settings.SEAL_TRUST_ROOTS = str(root)
    sealed = seal(seal_samples.plain_pdf())
    # A new, unrelated certificate is configured; the CA stays a trust root.
    settings.SEAL_PKCS12 = str(seal_samples.self_signed_p12(tmp_path / "new.p12", "Neu"))

    assert sealing.verify_pdf(sealed).genuine


def test_a_password_protected_certificate_is_used_with_its_password(settings, tmp_path):
    p12 = seal_samples.self_signed_p12(tmp_path / "real.p12", "Jobcenter Musterstadt", b"geheim")
    settings.SEAL_PKCS12 = str(p12)
    settings.SEAL_PKCS12_PASSWORD = "falsch"
    with pytest.raises(sealing.SealingError):
        seal(seal_samples.plain_pdf())

    settings.SEAL_PKCS12_PASSWORD = "geheim"
    verdict = sealing.verify_pdf(seal(seal_samples.plain_pdf()))

    assert verdict.genuine, verdict.reason
    assert verdict.signer == "Jobcenter Musterstadt"


def test_the_demo_certificate_is_made_once_and_private(settings):
    cert, made = sealing.seal_certificate_create()
    content = cert.path.read_bytes()

    again, made_again = sealing.seal_certificate_create()

    assert made and not made_again
    assert again.path == cert.path == settings.VAR_DIR / "keys" / "seal-demo.p12"
    assert again.path.read_bytes() == content
    assert stat.S_IMODE(cert.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cert.path.parent.stat().st_mode) == 0o700
    assert list(cert.path.parent.iterdir()) == [cert.path]  # no temporary files left


def test_a_receipt_sealed_before_the_demo_certificate_was_replaced_is_not_genuine(settings):
    sealed = seal(seal_samples.plain_pdf())
    sealing.demo_certificate_path().unlink()  # a new demo certificate is made on next use

    assert not sealing.verify_pdf(sealed).genuine


def test_a_missing_configured_certificate_is_an_error(settings, tmp_path):
    settings.SEAL_PKCS12 = str(tmp_path / "missing.p12")

    with pytest.raises(sealing.SealingError):
        sealing.seal_certificate_create()


def test_sealing_and_checking_work_inside_a_running_event_loop():
    """pyHanko calls asyncio.run(); an async caller (or Playwright's sync API) has a loop."""

    async def inside() -> sealing.SealVerdict:
        return sealing.verify_pdf(seal(seal_samples.plain_pdf()))

    # In a thread of its own: Playwright's sync API may already run a loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside()).result().genuine


@pytest.fixture
def tsa(tmp_path):
    """An RFC 3161 timestamp authority on loopback (pyHanko's test stamper behind HTTP)."""
    from asn1crypto import tsp
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    pem, cert, key = seal_samples.tsa_certificate_and_key(tmp_path)
    stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
    requests: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(body)
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", pem, requests
    server.shutdown()
    server.server_close()


def test_with_a_tsa_the_seal_carries_a_trusted_timestamp(settings, tsa):
    url, pem, requests = tsa
    settings.SEAL_TSA_URL = url
    settings.SEAL_TRUST_ROOTS = str(pem)

    verdict = sealing.verify_pdf(seal(seal_samples.plain_pdf()))

    assert requests  # (pyHanko also asks once for a dummy token to size the signature)
    assert verdict.genuine, verdict.reason
    assert verdict.timestamped
    assert verdict.signed_at is not None
    assert abs(timezone.now() - verdict.signed_at) < dt.timedelta(minutes=1)


def test_a_timestamp_from_an_untrusted_tsa_is_not_shown_as_timestamped(settings, tsa):
    url, _pem, _requests = tsa
    settings.SEAL_TSA_URL = url

    verdict = sealing.verify_pdf(seal(seal_samples.plain_pdf()))

    assert not verdict.timestamped


def test_an_unreachable_tsa_is_an_error_not_an_unstamped_seal(settings):
    settings.SEAL_TSA_URL = "http://127.0.0.1:9/"  # discard port: nothing listens

    with pytest.raises(sealing.SealingError):
        seal(seal_samples.plain_pdf())
