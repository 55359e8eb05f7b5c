"""Electronic seals on PDFs Amtsbote issues (receipts, proofs of delivery), and checking them.

``seal_pdf`` adds a PAdES seal (pyHanko) as an incremental update: the original bytes stay
as they were and the seal covers the whole file, so any later change — an altered byte, an
appended revision, a file sealed with another certificate — makes ``verify_pdf`` answer
"not genuine" with a reason in plain words.

The seal certificate is ``AMTSBOTE_SEAL_PKCS12`` (+ ``AMTSBOTE_SEAL_PKCS12_PASSWORD``) when
set; otherwise a self-signed demo certificate is made once in ``$AMTSBOTE_VAR_DIR/keys/``
(``manage.py seal_certificate_create``, or on first use). A seal is genuine only when it was
made with the configured seal certificate, or with one that chains to a trust root in
``AMTSBOTE_SEAL_TRUST_ROOTS``. An RFC 3161 timestamp is embedded only when
``AMTSBOTE_SEAL_TSA_URL`` is set. Settings are read at call time.

The demo certificate is not a qualified electronic seal (eIDAS Art. 35, § 36a SGB I);
production needs a qualified seal certificate from a trust service provider.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import os
import secrets
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
T = TypeVar("T")

DEMO_FILE_NAME = "seal-demo.p12"
DEMO_VALID_YEARS = 20
SEAL_FIELD_PREFIX = "Amtsbote-Siegel"


class SealingError(Exception):
    """The PDF could not be sealed (unreadable PDF, unusable certificate, TSA down)."""


@dataclass(frozen=True)
class SealVerdict:
    """What ``verify_pdf`` found, in words a customer, a court or a caseworker can use."""

    genuine: bool
    reason: str
    signer: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    covers_whole_document: bool = False
    modified_after_sealing: bool = False
    demo_certificate: bool = False


@dataclass(frozen=True)
class SealCertificate:
    path: Path
    password: bytes | None
    demo: bool


# --- the certificate ----------------------------------------------------------------------


def demo_certificate_path() -> Path:
    return Path(settings.VAR_DIR) / "keys" / DEMO_FILE_NAME


def configured_certificate() -> SealCertificate:
    """The real seal certificate if configured, else the demo one (which may not exist yet)."""
    if configured := getattr(settings, "SEAL_PKCS12", ""):
        password = getattr(settings, "SEAL_PKCS12_PASSWORD", "")
        return SealCertificate(Path(configured), password.encode() if password else None, False)
    return SealCertificate(demo_certificate_path(), None, True)


def seal_certificate_create() -> tuple[SealCertificate, bool]:
    """Make sure a seal certificate exists; return it and whether it was just made.

    Idempotent and safe when several processes start at once: the demo certificate is
    written to a temporary file and linked into place, so exactly one of them wins.
    """
    cert = configured_certificate()
    if not cert.demo:
        if not cert.path.is_file():
            raise SealingError(f"AMTSBOTE_SEAL_PKCS12 does not exist: {cert.path}")
        _load(cert)  # fail early on a wrong password or a broken file
        return cert, False
    if cert.path.exists():
        return cert, False
    cert.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = _demo_pkcs12()
    fd, tmp = tempfile.mkstemp(dir=cert.path.parent, prefix=".seal-", suffix=".p12")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, cert.path)
        except FileExistsError:
            return cert, False
    finally:
        os.unlink(tmp)
    logger.info("Made the demo seal certificate %s", cert.path)
    return cert, True


def seal_certificate_subject() -> str:
    """The common name of the seal certificate (made if missing), for people to read."""
    return _common_name(_signer().signing_cert)


def _demo_pkcs12() -> bytes:
    host = urlsplit(getattr(settings, "SITE_URL", "")).hostname or "localhost"
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(
                NameOID.ORGANIZATION_NAME, "Amtsbote (Demo, kein qualifiziertes Siegel)"
            ),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Amtsbote Demo-Siegel {host}"[:64]),
        ]
    )
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * DEMO_VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"amtsbote-seal", key, certificate, None, serialization.NoEncryption()
    )


def _load(cert: SealCertificate):  # -> pyhanko SimpleSigner
    stat = cert.path.stat()
    return _load_cached(str(cert.path), stat.st_mtime_ns, stat.st_size, cert.password)


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int, size: int, password: bytes | None):
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            Path(path).read_bytes(), other_certs=(), passphrase=password
        )
    except (ValueError, OSError) as exc:
        raise SealingError(f"Cannot read the seal certificate {path}: {exc}") from exc
    if signer is None or signer.signing_cert is None:
        raise SealingError(f"Cannot read the seal certificate {path} (wrong password?)")
    return signer


def _signer():
    cert, _made = seal_certificate_create()
    return _load(cert)


def _trust_roots() -> list[asn1_x509.Certificate]:
    """The seal certificate itself, plus the PEM bundle in ``AMTSBOTE_SEAL_TRUST_ROOTS``.

    The bundle holds the CA of a real seal certificate (so a renewed certificate still
    verifies older receipts) and the root of the timestamp authority.
    """
    roots = [_signer().signing_cert]
    if bundle := getattr(settings, "SEAL_TRUST_ROOTS", ""):
        try:
            pem = Path(bundle).read_bytes()
        except OSError as exc:
            raise SealingError(f"Cannot read AMTSBOTE_SEAL_TRUST_ROOTS {bundle}: {exc}") from exc
        for _type, _headers, der in asn1_pem.unarmor(pem, multiple=True):
            roots.append(asn1_x509.Certificate.load(der))
    return roots


# --- sealing ------------------------------------------------------------------------------


def seal_pdf(data: bytes, *, reason: str, location: str = "") -> bytes:
    """Return ``data`` with a PAdES seal appended as an incremental update.

    A PDF that carries no signature yet gets a certification seal (DocMDP level 2: only
    form filling and further signatures allowed, so it can be sealed or timestamped again
    later); one that is already signed (a Bescheid from the benefits software) gets an
    approval seal on top. ``verify_pdf`` accepts only a seal that covers the whole file.
    Raises ``SealingError`` when the PDF or the certificate is unusable.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers, timestamps

    signer = _signer()
    try:
        already_signed = bool(PdfFileReader(BytesIO(data), strict=False).embedded_signatures)
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise SealingError(f"Not a PDF that can be sealed: {exc}") from exc
    meta = signers.PdfSignatureMetadata(
        field_name=f"{SEAL_FIELD_PREFIX}-{secrets.token_hex(4)}",
        reason=reason,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=not already_signed,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
    )
    tsa_url = getattr(settings, "SEAL_TSA_URL", "")
    timestamper = timestamps.HTTPTimeStamper(tsa_url, timeout=10) if tsa_url else None
    try:
        out = _outside_event_loop(
            signers.sign_pdf, writer, meta, signer=signer, timestamper=timestamper
        )
    except (PdfError, ValueError, OSError) as exc:
        raise SealingError(f"Sealing failed: {exc}") from exc
    return out.getvalue()


# --- verifying ----------------------------------------------------------------------------


def verify_pdf(data: bytes) -> SealVerdict:
    """Say whether ``data`` is a PDF sealed by this Amtsbote and unchanged since."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    demo = configured_certificate().demo
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        return SealVerdict(False, _("The file is not a PDF."), demo_certificate=demo)
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
    except Exception as exc:  # a damaged PDF can fail anywhere in the parser
        logger.info("Cannot read a PDF to verify: %r", exc)
        return SealVerdict(
            False,
            _("The file is damaged or not a readable PDF, so its seal cannot be checked."),
            demo_certificate=demo,
        )
    if not signatures:
        return SealVerdict(False, _("The file carries no electronic seal."), demo_certificate=demo)

    embedded = signatures[-1]  # the newest seal; only it can cover the whole file
    context = ValidationContext(
        trust_roots=_trust_roots(), allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = _outside_event_loop(validate_pdf_signature, embedded, context)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        logger.info("Cannot validate a seal: %s", exc)
        return SealVerdict(
            False,
            _("The seal is damaged and cannot be checked. The file may have been changed."),
            demo_certificate=demo,
        )

    timestamp = status.timestamp_validity
    timestamped = timestamp is not None and timestamp.intact and timestamp.trusted
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    found = SealVerdict(
        genuine=False,
        reason="",
        signer=_common_name(status.signing_cert),
        signed_at=timestamp.timestamp if timestamp and timestamped else status.signer_reported_dt,
        timestamped=timestamped,
        covers_whole_document=whole,
        modified_after_sealing=not (status.intact and whole),
        demo_certificate=demo,
    )
    if not status.intact:
        reason = _(
            "The file was changed after it was sealed: its content no longer matches the seal."
        )
    elif not whole:
        reason = _(
            "Something was added to the file after it was sealed. The sealed version may look "
            "the same, but this file is not the one that was issued."
        )
    elif not status.valid:
        reason = _("The seal is not a valid electronic seal.")
    elif not status.trusted:
        reason = _(
            "The file is sealed, but not with the seal certificate of this service. "
            "It was not issued here."
        )
    else:
        return replace(
            found,
            genuine=True,
            reason=_(
                "The seal is intact and was made with the seal certificate of this service. "
                "The file has not been changed since it was sealed."
            ),
        )
    return replace(found, reason=reason)


def _outside_event_loop(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call one of pyHanko's blocking functions, which use ``asyncio.run`` inside.

    That fails in a thread whose event loop is running (an async view, Playwright's sync
    API in the same process), so there it runs in a short-lived thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="seal") as pool:
        return pool.submit(function, *args, **kwargs).result()


def _common_name(certificate: asn1_x509.Certificate) -> str:
    with contextlib.suppress(Exception):
        name = certificate.subject.native
        return str(name.get("common_name") or certificate.subject.human_friendly)
    return ""
