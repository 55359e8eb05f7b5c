from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchSource(models.TextChoices):
    FOLDER = "folder", _("watched folder")
    DESK = "desk", _("desk upload")
    CLI = "cli", _("command line")
    API = "api", _("API")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    PROCESSING = "processing", _("processing")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class FileStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    PROCESSING = "processing", _("processing")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class QaStatus(models.TextChoices):
    UNCHECKED = "unchecked", _("not checked")
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")


class IntakeStatus(models.TextChoices):
    FILED = "filed", _("filed")
    TRIAGE = "triage", _("triage")
    DISCARDED = "discarded", _("discarded")


class IdentifierKind(models.TextChoices):
    COVER = "cover", _("cover sheet")
    BG = "bg", _("BG-Nummer")
    KUNDENNUMMER = "kundennummer", _("Kundennummer")
    NAME = "name", _("name")
    MANUAL = "manual", _("assigned by staff")
    NONE = "none", _("none")


# Barcodes on the sheets Amtsbote prints and reads.
PATCH_T_TEXT = "PATCHT"
COVER_PREFIX = "AMTSBOTE:"
