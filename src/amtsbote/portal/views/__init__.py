"""Portal views, split by topic. Every protected object is fetched through ``access_*``."""

from .activation import activate
from .documents import document_thumbnail, documents
from .home import home, language
from .postbox import consents, letter, letter_file, letter_paper, postbox
from .receipts import receipt, receipt_pdf
from .uploads import request_upload
from .verify import verify

__all__ = [
    "activate",
    "consents",
    "document_thumbnail",
    "documents",
    "home",
    "language",
    "letter",
    "letter_file",
    "letter_paper",
    "postbox",
    "receipt",
    "receipt_pdf",
    "request_upload",
    "verify",
]
