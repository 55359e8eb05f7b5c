"""Archive packages: a case handed over to another jobcenter (xdomea-style, see docs/archive.md).

A package is one ZIP: ``xdomea.xml`` (metadata in the shape of xdomea's Abgabe.Abgabe.0401,
in our own namespace), every version PDF, every original as received, the recognised text of
each version, and ``manifest-sha256.txt`` (``sha256sum`` format, every other file).

``case_export`` streams the files from storage into the ZIP one chunk at a time and checks
each against the hash the database holds. ``case_import`` verifies the whole package first
(manifest, hashes, the XML and its references) and refuses with a message naming what is
wrong before anything is written; then it creates the case in one transaction, its files
through ``StoredFiles`` so a failure leaves no file behind.
"""

from .common import MANIFEST_NAME, NS, PROFILE_VERSION, XML_NAME, ArchiveRefused
from .export import ExportResult, case_export
from .importing import case_import
from .package import Package, package_verify

__all__ = [
    "MANIFEST_NAME",
    "NS",
    "PROFILE_VERSION",
    "XML_NAME",
    "ArchiveRefused",
    "ExportResult",
    "Package",
    "case_export",
    "case_import",
    "package_verify",
]
