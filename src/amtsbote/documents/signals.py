"""Signals of the documents layer for apps that keep copies of a document's content.

``document_erasing`` is sent (inside the disposal transaction) before a document's rows are
deleted for good: retention disposal or an erasure request (``records``). Apps beside the
sender in the layers (the mailroom keeps page images and text of scanned documents) blank
their copies in their receiver and return the names of the stored files to delete after
commit. Receivers run in the sender's transaction: an error rolls the disposal back.
"""

from __future__ import annotations

from django.dispatch import Signal

# sender: the Document class; arguments: document (the Document). Each receiver returns a
# list of storage names to delete once the transaction has committed.
document_erasing = Signal()
