import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtsbote.core import deadlines


def test_deadline_of_14_days_on_a_working_day_stays():
    # Monday 2 March 2026 + 14 days = Monday 16 March 2026
    assert deadlines.deadline_after_days(dt.date(2026, 3, 2), 14, state="NW") == dt.date(
        2026, 3, 16
    )


def test_deadline_ending_on_saturday_moves_to_monday():
    # Saturday 14 March 2026 → Monday 16 March
    assert deadlines.deadline_after_days(dt.date(2026, 2, 28), 14, state="NW") == dt.date(
        2026, 3, 16
    )


def test_deadline_ending_on_a_holiday_moves_past_it():
    # Good Friday 3 April 2026 → Easter Monday 6 April is a holiday too → Tuesday 7 April
    assert deadlines.deadline_after_days(dt.date(2026, 3, 20), 14, state="NW") == dt.date(
        2026, 4, 7
    )


def test_holidays_of_the_land_count_and_others_do_not():
    # Corpus Christi (4 June 2026) is a holiday in NW but not in Berlin.
    start = dt.date(2026, 5, 21)
    assert deadlines.deadline_after_days(start, 14, state="NW") == dt.date(2026, 6, 5)
    assert deadlines.deadline_after_days(start, 14, state="BE") == dt.date(2026, 6, 4)


def test_reformation_day_only_where_it_is_a_holiday():
    # 31 October 2025 (Friday): holiday in Sachsen, not in Bayern.
    start = dt.date(2025, 10, 17)
    assert deadlines.deadline_after_days(start, 14, state="SN") == dt.date(2025, 11, 3)
    assert deadlines.deadline_after_days(start, 14, state="BY") == dt.date(2025, 10, 31)


def test_zero_days_is_refused():
    with pytest.raises(ValueError):
        deadlines.deadline_after_days(dt.date(2026, 1, 1), 0, state="NW")


@given(st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)), st.integers(1, 60))
def test_deadline_is_a_working_day_no_earlier_than_the_plain_count(start, days):
    end = deadlines.deadline_after_days(start, days, state="NW")
    assert deadlines.is_working_day(end, state="NW")
    assert end >= start + dt.timedelta(days=days)
    # it moves at most past a weekend plus a few holidays
    assert (end - (start + dt.timedelta(days=days))).days <= 4
