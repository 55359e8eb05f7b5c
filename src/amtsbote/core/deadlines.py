"""Legal dates, as pure functions.

§ 26 Abs. 3 SGB X / § 64 Abs. 3 SGG: a deadline whose last day falls on a Saturday, a Sunday
or a public holiday (of the jobcenter's Land) ends at the end of the next working day.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(state: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("DE", subdiv=state or None, years=year)


def is_working_day(day: dt.date, *, state: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(state, day.year)


def next_working_day_on_or_after(day: dt.date, *, state: str) -> dt.date:
    while not is_working_day(day, state=state):
        day += dt.timedelta(days=1)
    return day


def deadline_after_days(start: dt.date, days: int, *, state: str) -> dt.date:
    """The last day of a deadline of ``days`` days that starts on ``start``.

    The day of the event does not count (§ 26 Abs. 1 SGB X with § 187 Abs. 1 BGB): a 14-day
    deadline from Monday 2 March ends on Monday 16 March, moved on when that is not a working
    day.
    """
    if days < 1:
        raise ValueError("a deadline has at least one day")
    return next_working_day_on_or_after(start + dt.timedelta(days=days), state=state)
