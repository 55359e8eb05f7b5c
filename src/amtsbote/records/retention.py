"""Legal dates of retention: pure functions, no database, no clock.

A document is kept for N years after the case was closed, counted from the end of the
year in which it was closed (as retention periods in public administration are: the file
is closed with the year, and periods run from 1 January of the next year). The period has
ended on the due date; a disposal may be proposed from the day after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .constants import DEFAULT_RETENTION_YEARS

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Rule:
    """A retention rule, as ``retention_years`` needs it (``""``/``None`` match anything)."""

    register_code: str
    type_code: str | None
    years: int


def retention_years(rules: Iterable[Rule], *, register_code: str, type_code: str | None) -> int:
    """Years for a document: the most specific rule wins (register and type, type, register).

    Where two rules are equally specific, the longer period wins (keeping longer is the safe
    mistake). No rule: ``DEFAULT_RETENTION_YEARS``.
    """
    best: tuple[int, int] | None = None
    for rule in rules:
        if rule.register_code and rule.register_code != register_code:
            continue
        if rule.type_code and rule.type_code != type_code:
            continue
        specificity = (2 if rule.type_code else 0) + (1 if rule.register_code else 0)
        if specificity == 0:
            specificity = -1  # a catch-all rule of the jobcenter: still beats the default
        candidate = (specificity, rule.years)
        if best is None or candidate > best:
            best = candidate
    return best[1] if best else DEFAULT_RETENTION_YEARS


def retention_due(closed_at: dt.datetime, years: int) -> dt.date:
    """The last day of the retention period: 31 December of (year of closing + years).

    The year of closing is taken in German time (a case closed at 00:30 on 1 January in
    Berlin was closed in the new year).
    """
    year = closed_at.astimezone(BERLIN).year if closed_at.tzinfo else closed_at.year
    return dt.date(year + years, 12, 31)


def retention_ended(closed_at: dt.datetime | None, years: int, *, today: dt.date) -> bool:
    """True when the period is over on ``today``; never for a case that is still open."""
    if closed_at is None:
        return False
    return today > retention_due(closed_at, years)
