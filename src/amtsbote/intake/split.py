"""Where one scanned file becomes several documents: a pure function over page marks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class PageMark(Protocol):
    @property
    def is_separator(self) -> bool: ...

    @property
    def cover_payload(self) -> str: ...


def split(pages: Iterable[PageMark]) -> list[tuple[int, int]]:
    """Page ranges ``(first, last)`` (0-based, inclusive) of the documents in a file.

    A PATCH-T separator page ends the current document and is dropped; a cover sheet starts a
    new document and stays its first page. Without any marks the file is one document;
    separators next to each other (or at either end) make no empty documents.
    """
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    index = -1
    for index, page in enumerate(pages):
        if page.is_separator:
            if start is not None:
                ranges.append((start, index - 1))
            start = None
        elif page.cover_payload:
            if start is not None:
                ranges.append((start, index - 1))
            start = index
        elif start is None:
            start = index
    if start is not None:
        ranges.append((start, index))
    return ranges
