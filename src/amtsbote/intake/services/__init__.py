"""Writes for the mailroom (``services.<name>`` is the public surface; see the modules)."""

from .batches import (
    BatchImport,
    Imported,
    destroy_after_days,
    scan_batch_check,
    scan_batch_create,
    scan_batch_create_from_upload,
    scan_batch_enqueue,
    scan_batch_finish,
    scan_file_import,
    scan_files_enqueue,
    scan_files_resume,
)
from .filing import intake_document_record
from .triage import (
    intake_document_assign,
    intake_document_discard,
    intake_document_merge,
    intake_document_rotate,
    intake_document_set_type,
    intake_document_split,
)

__all__ = [
    "BatchImport",
    "Imported",
    "destroy_after_days",
    "intake_document_assign",
    "intake_document_discard",
    "intake_document_merge",
    "intake_document_record",
    "intake_document_rotate",
    "intake_document_set_type",
    "intake_document_split",
    "scan_batch_check",
    "scan_batch_create",
    "scan_batch_create_from_upload",
    "scan_batch_enqueue",
    "scan_batch_finish",
    "scan_file_import",
    "scan_files_enqueue",
    "scan_files_resume",
]
