"""Portal views, split by topic. Every protected object is fetched through ``access_*``."""

from .accesses import accesses
from .activation import activate
from .documents import document_thumbnail, documents
from .eforms import (
    form_discard,
    form_receipt,
    form_receipt_pdf,
    form_start,
    form_step,
    form_summary,
    forms_index,
)
from .home import home, language
from .messages import message_receipt, message_receipt_pdf, messages, thread, thread_new
from .postbox import consents, letter, letter_file, letter_paper, postbox
from .receipts import receipt, receipt_pdf
from .representation import acting_switch, representation, representation_revoke_view
from .uploads import request_upload
from .verify import verify

__all__ = [
    "accesses",
    "acting_switch",
    "activate",
    "consents",
    "document_thumbnail",
    "documents",
    "form_discard",
    "form_receipt",
    "form_receipt_pdf",
    "form_start",
    "form_step",
    "form_summary",
    "forms_index",
    "home",
    "language",
    "letter",
    "letter_file",
    "letter_paper",
    "message_receipt",
    "message_receipt_pdf",
    "messages",
    "postbox",
    "receipt",
    "receipt_pdf",
    "representation",
    "representation_revoke_view",
    "request_upload",
    "thread",
    "thread_new",
    "verify",
]
