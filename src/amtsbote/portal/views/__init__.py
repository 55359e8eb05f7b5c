"""Portal views, split by topic. Every protected object is fetched through ``access_*``."""

from .activation import activate
from .documents import document_thumbnail, documents
from .home import home, language
from .receipts import receipt, receipt_pdf
from .uploads import request_upload

__all__ = [
    "activate",
    "document_thumbnail",
    "documents",
    "home",
    "language",
    "receipt",
    "receipt_pdf",
    "request_upload",
]
