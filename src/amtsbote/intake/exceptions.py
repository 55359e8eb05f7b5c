"""Errors of the mailroom."""

from amtsbote.core.exceptions import Conflict


class EditConflict(Conflict):
    """Someone else decided on this intake document since it was loaded."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="conflict")
