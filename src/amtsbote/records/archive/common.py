"""What every part of an archive package shares: names, the namespace, the refusal."""

from __future__ import annotations

from collections.abc import Callable

from amtsbote.core.exceptions import ValidationFailed

NS = "urn:amtsbote:xdomea-profil:1"
PROFILE_VERSION = "1"
ROOT = "Abgabe.Abgabe.0401"
XML_NAME = "xdomea.xml"
MANIFEST_NAME = "manifest-sha256.txt"
CHUNK = 1 << 20


class ArchiveRefused(ValidationFailed):
    """The package cannot be exported or imported; ``message`` names what is wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="archive")


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


Progress = Callable[[str], None]


def quiet(_message: str) -> None:
    return None
