"""Validation of form steps: clear messages on the field, through the engine."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from amtsbote.eforms import dates, engine
from amtsbote.eforms.definitions import registry
from amtsbote.eforms.tests.factories import VALID_IBAN, move_answers


def step(code: str, key: str):
    definition = registry.get(code)
    assert definition is not None
    found = definition.step(key)
    assert found is not None
    return found


def test_a_valid_iban_is_kept_in_groups_of_four():
    form = engine.step_form(
        step("veraenderungsmitteilung", "bank"),
        data={"account_holder": "Anna Schmidt", "iban": "de89370400440532013000"},
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["iban"] == VALID_IBAN


@pytest.mark.parametrize("language", ["de", "ar"])
def test_an_invalid_iban_gets_a_message_on_the_field(language):
    with translation.override(language):
        form = engine.step_form(
            step("veraenderungsmitteilung", "bank"),
            data={"account_holder": "Anna Schmidt", "iban": "DE89 3704 0044 0532 0130 01"},
        )
        assert not form.is_valid()
        message = form.errors["iban"][0]
    assert list(form.errors) == ["iban"]
    if language == "de":
        assert message.startswith("Diese IBAN ist nicht gültig")
    else:
        assert "IBAN" in message and "DE" in message and "Diese" not in message


@time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False)
def test_a_moving_date_more_than_a_year_ago_is_refused():
    move = step("veraenderungsmitteilung", "move")
    with translation.override("de"):
        old = engine.step_form(move, data=move_answers(moving_date=dt.date(2025, 11, 19)))
        assert not old.is_valid()
        assert list(old.errors) == ["moving_date"]
        assert "mehr als ein Jahr" in old.errors["moving_date"][0]
    one_year = engine.step_form(move, data=move_answers(moving_date=dt.date(2025, 11, 20)))
    assert one_year.is_valid(), one_year.errors


def test_moving_date_limits_are_pure_functions():
    today = dt.date(2026, 3, 1)
    assert dates.moving_date_too_early(dt.date(2025, 2, 28), today=today)
    assert not dates.moving_date_too_early(dt.date(2025, 3, 1), today=today)
    assert dates.moving_date_too_late(dt.date(2026, 9, 1), today=today)
    assert not dates.moving_date_too_late(dt.date(2026, 8, 31), today=today)
    assert dates.ends_before_start(dt.date(2026, 3, 2), dt.date(2026, 3, 1))
    assert not dates.ends_before_start(dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    assert not dates.ends_before_start(None, dt.date(2026, 3, 1))


@time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False)
def test_an_absence_ending_before_it_starts_is_refused_on_the_end_date():
    with translation.override("de"):
        form = engine.step_form(
            step("ortsabwesenheit", "absence"),
            data={"start": "2026-12-10", "end": "2026-12-01", "destination": "Aachen"},
        )
        assert not form.is_valid()
        assert list(form.errors) == ["end"]
        assert form.errors["end"][0] == (
            "Das Enddatum liegt vor dem Anfangsdatum. Bitte prüfen Sie beide Daten."
        )


def test_money_is_read_in_the_customers_language_and_kept_as_a_decimal_string():
    with translation.override("de"):
        form = engine.step_form(
            step("veraenderungsmitteilung", "move"),
            data={**move_answers(), "rent": "1.234,50", "service_charges": "0"},
        )
        assert form.is_valid(), form.errors
        values = engine.cleaned_to_json(form)
    assert values["rent"] == "1234.50"
    assert values["heating"] is None


def test_required_fields_and_postal_codes():
    with translation.override("de"):
        form = engine.step_form(
            step("veraenderungsmitteilung", "move"), data={**move_answers(), "postal_code": "5066"}
        )
        assert not form.is_valid()
        assert form.errors["postal_code"] == [
            "Bitte geben Sie die fünfstellige Postleitzahl ein, zum Beispiel 50667."
        ]


def test_every_registered_form_builds_and_has_a_unique_code_and_version():
    keys = {(d.code, d.version) for d in registry.DEFINITIONS}
    assert len(keys) == len(registry.DEFINITIONS) == 5
    for definition in registry.DEFINITIONS:
        assert definition.steps
        for form_step in definition.steps:
            engine.step_form(form_step)
        assert not any(f.name == "signature" for s in definition.steps for f in s.fields)
    assert registry.get("veraenderungsmitteilung").version == 1
    assert registry.get("nope") is None


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("450", "450"),
        ("450,00", "450.00"),
        ("450.5", "450.5"),
        ("1.234,50 €", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1.234", "1234"),
        ("٤٥٠", "٤٥٠"),
    ],
)
def test_amounts_are_read_as_people_type_them(typed, amount):
    assert engine.normalize_amount(typed) == amount
