"""Retention dates: pure functions, the clock frozen where "today" matters."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from amtsbote.records.constants import DEFAULT_RETENTION_YEARS
from amtsbote.records.retention import Rule, retention_due, retention_ended, retention_years

BERLIN = ZoneInfo("Europe/Berlin")


def test_due_at_the_end_of_the_year_of_closing_plus_the_years():
    closed = dt.datetime(2014, 3, 15, 10, 0, tzinfo=BERLIN)
    assert retention_due(closed, 10) == dt.date(2024, 12, 31)


def test_the_year_of_closing_is_taken_in_german_time():
    # 23:30 UTC on 31 December is already 1 January in Berlin.
    closed = dt.datetime(2014, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert retention_due(closed, 10) == dt.date(2025, 12, 31)


def test_ended_only_after_the_due_date():
    closed = dt.datetime(2014, 3, 15, tzinfo=BERLIN)
    assert not retention_ended(closed, 10, today=dt.date(2024, 12, 31))
    assert retention_ended(closed, 10, today=dt.date(2025, 1, 1))


def test_an_open_case_never_ends():
    assert not retention_ended(None, 0, today=dt.date(2100, 1, 1))


@time_machine.travel(dt.datetime(2025, 1, 1, 0, 30, tzinfo=BERLIN), tick=False)
def test_with_the_clock_of_new_year():
    closed = dt.datetime(2014, 6, 1, tzinfo=BERLIN)
    assert retention_ended(closed, 10, today=timezone.localdate())


def test_default_when_no_rule_matches():
    rules = [Rule(register_code="einkommen", type_code=None, years=6)]
    assert retention_years(rules, register_code="unterkunft", type_code=None) == (
        DEFAULT_RETENTION_YEARS
    )
    assert retention_years([], register_code="x", type_code="y") == DEFAULT_RETENTION_YEARS


def test_the_most_specific_rule_wins():
    rules = [
        Rule(register_code="", type_code=None, years=12),
        Rule(register_code="einkommen", type_code=None, years=6),
        Rule(register_code="", type_code="kontoauszug", years=5),
        Rule(register_code="einkommen", type_code="kontoauszug", years=3),
    ]
    assert retention_years(rules, register_code="einkommen", type_code="kontoauszug") == 3
    assert retention_years(rules, register_code="unterkunft", type_code="kontoauszug") == 5
    assert retention_years(rules, register_code="einkommen", type_code="lohn") == 6
    assert retention_years(rules, register_code="unterkunft", type_code="lohn") == 12


def test_equally_specific_rules_keep_longer():
    rules = [
        Rule(register_code="einkommen", type_code=None, years=6),
        Rule(register_code="einkommen", type_code=None, years=8),
    ]
    assert retention_years(rules, register_code="einkommen", type_code=None) == 8
