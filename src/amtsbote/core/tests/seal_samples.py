"""PDFs, certificates and forgeries for the seal tests (core and portal)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path

import pikepdf
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

RECEIVED = b"Eingang 22.11.2026 10:00"


def plain_pdf(text: bytes = RECEIVED) -> bytes:
    """A one-page PDF whose content stream is not compressed, so a test can edit its text."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(
            F1=pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
            )
        )
    )
    page.Contents = pdf.make_stream(b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET")
    out = BytesIO()
    pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def change_text(data: bytes, old: bytes = b"10:00", new: bytes = b"18:00") -> bytes:
    """Change bytes in place (same length), as someone editing the file with a hex editor."""
    assert len(old) == len(new)
    assert data.count(old) == 1, "the text to change must be in the file exactly once"
    return data.replace(old, new)


def flip_byte_in_stream(data: bytes) -> bytes:
    """Flip one bit inside the first (compressed or not) content stream."""
    start = data.index(b"stream", data.index(b"/Length")) + len(b"stream\n") + 10
    changed = bytearray(data)
    changed[start] ^= 0x01
    return bytes(changed)


def append_text_revision(data: bytes, text: bytes = b"Eingang 22.11.2026 18:00") -> bytes:
    """A forger's incremental update: the page shows other text; the old revision stays signed."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 700 Td (" + text + b") Tj ET")
    contents = page["/Contents"]
    existing = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    page["/Contents"] = generic.ArrayObject([*existing, writer.add_object(stream)])
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def append_annotation(data: bytes) -> bytes:
    """An incremental update that only adds a sticky note, as a PDF viewer would save it."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    annotation = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Text"),
            generic.NameObject("/Rect"): generic.ArrayObject(
                [generic.FloatObject(v) for v in (100, 100, 120, 120)]
            ),
            generic.NameObject("/Contents"): generic.TextStringObject("Eingang erst am 23.11."),
        }
    )
    annots = page.get("/Annots")
    existing = list(annots) if annots is not None else []
    page["/Annots"] = generic.ArrayObject([*existing, writer.add_object(annotation)])
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def rewrite_with_qpdf(data: bytes) -> bytes:
    """Open and save the whole file again (pikepdf/qpdf), as many PDF tools do."""
    with pikepdf.open(BytesIO(data)) as pdf:
        out = BytesIO()
        pdf.save(out)
    return out.getvalue()


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(issuer_key, hashes.SHA256())
    )


def self_signed_p12(path: Path, common_name: str, password: bytes | None = None) -> Path:
    """Another self-signed seal certificate — e.g. a forger's with the very same name."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(_name(common_name), key, _name(common_name), key, ca=False)
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"seal", key, cert, None, encryption))
    return path


def ca_and_leaf(directory: Path, ca_name: str = "Test-CA") -> tuple[Path, Path]:
    """A CA (PEM, the trust root) and a seal certificate it issued (PKCS#12)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(_name(ca_name), ca_key, _name(ca_name), ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate(_name(f"Siegel von {ca_name}"), key, _name(ca_name), ca_key, ca=False)
    root_pem = directory / f"{ca_name}.pem"
    root_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    p12 = directory / f"{ca_name}-leaf.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"seal", key, leaf, [ca], serialization.NoEncryption()
        )
    )
    return root_pem, p12


def tsa_certificate_and_key(directory: Path) -> tuple[Path, object, object]:
    """A self-signed timestamp authority: PEM path (for the trust roots), asn1crypto cert, key."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's is RSA-only
    name = _name("Test-Zeitstempeldienst")
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), True)
        .sign(key, hashes.SHA256())
    )
    pem = directory / "tsa.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        pem,
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )
