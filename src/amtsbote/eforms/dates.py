"""Date rules of the forms: pure functions of the date and ``today``, tested on their own."""

from __future__ import annotations

import datetime as dt

from .constants import MOVE_MAX_FUTURE_DAYS, MOVE_MAX_PAST_DAYS


def moving_date_too_early(day: dt.date, *, today: dt.date) -> bool:
    """More than ``MOVE_MAX_PAST_DAYS`` before today (one year: 365 days)."""
    return day < today - dt.timedelta(days=MOVE_MAX_PAST_DAYS)


def moving_date_too_late(day: dt.date, *, today: dt.date) -> bool:
    """More than ``MOVE_MAX_FUTURE_DAYS`` (about six months) after today."""
    return day > today + dt.timedelta(days=MOVE_MAX_FUTURE_DAYS)


def ends_before_start(start: dt.date | None, end: dt.date | None) -> bool:
    """True when both are given and the end lies before the start (same day is fine)."""
    return start is not None and end is not None and end < start
