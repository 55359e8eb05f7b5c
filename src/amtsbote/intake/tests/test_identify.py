"""identify(): numbers tolerant of OCR confusions, never a near number, names with evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from amtsbote.cases.tests.factories import CaseFactory, JobcenterFactory, PersonFactory
from amtsbote.intake.identify import identify
from amtsbote.intake.recognition_text import find_dates, find_numbers

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_olena(jobcenter):
    case = CaseFactory(jobcenter=jobcenter, bg_number="96201BG0082525")
    PersonFactory(
        case=case,
        customer_number="377D880521",
        first_name="Olena",
        last_name="Kovalenko",
        birth_date=dt.date(1987, 3, 4),
        street="Friedrich-Ebert-Straße 12a",
        postal_code="44135",
        city="Dortmund",
    )
    return case


@pytest.mark.parametrize(
    "text",
    [
        "BG-Nummer: 96201BG0082525",
        "BG-Nr. 96201 BG 0082525",
        "Nummer der Bedarfsgemeinschaft: 96201-BG-0082525",
        "Ihr Zeichen 962O1BG00825Z5",  # O for 0, Z for 2
        "BG Nummer 9620lBGOO8ZSZS",  # l for 1, S for 5
        "BG-Nr.: 96201 8G 0082525",  # 8 for B
        "Aktenzeichen 96ZO1BG0O8252S",
        "Kundennummer: 377D880521",
        "Kd.-Nr. 377 D 880521",
        "Kd.-Nr.: 3770880521",  # D read as 0, labelled
        "Kunden-Nr. 377O88O5Z1",
        "Kundennr. 377-D-BB0521",  # B for 8
    ],
)
def test_typed_numbers_with_ocr_confusions_are_filed(jobcenter, case_olena, text):
    found = identify(text=f"Sehr geehrte Damen und Herren,\n{text}\nMit Gruß", jobcenter=jobcenter)
    assert found.case == case_olena
    assert found.kind in ("bg", "kundennummer")
    assert found.confidence >= 0.9


def test_a_bare_ten_digit_run_is_not_a_kundennummer():
    assert find_numbers("Telefon 3770880521") == []
    assert [read.number for read in find_numbers("Kd.-Nr. 3770880521")] == ["377D880521"]


def test_a_number_of_no_case_is_never_corrected_into_a_near_one(jobcenter, case_olena):
    found = identify(text="BG-Nummer: 96201BG0082526", jobcenter=jobcenter)  # one digit off
    assert found.case is None
    assert found.kind == "none"
    assert found.numbers == ["96201BG0082526"]
    assert [s.case for s in found.suggestions] == [case_olena]
    assert "does not exist" in found.suggestions[0].reason


def test_two_numbers_of_different_cases_go_to_triage(
    jobcenter, case_olena, customer_anna, case_anna
):
    found = identify(text="BG-Nr. 96201BG0082525\nBG-Nr. 96201BG0012345", jobcenter=jobcenter)
    assert found.case is None
    assert {s.case for s in found.suggestions} == {case_olena, case_anna}


def test_bg_and_kundennummer_of_the_same_household_agree(jobcenter, case_olena):
    found = identify(text="BG-Nr. 96201BG0082525 Kd.-Nr. 377D880521", jobcenter=jobcenter)
    assert found.case == case_olena


def test_a_number_contradicted_by_a_clear_name_match_goes_to_triage(
    jobcenter, case_olena, case_anna
):
    text = "BG-Nr. 96201BG0012345\nFrau Olena Kovalenko\ngeb. am 04.03.1987"
    assert identify(text=text, jobcenter=jobcenter).case is None


def test_the_cover_sheet_wins(jobcenter, case_olena, case_anna):
    found = identify(
        text="BG-Nummer: 96201BG0082525", jobcenter=jobcenter, cover_case_number="96201BG0012345"
    )
    assert found.case == case_anna
    assert found.kind == "cover"
    assert found.confidence == 1.0


def test_an_unknown_cover_number_falls_back_to_the_text(jobcenter, case_olena):
    found = identify(
        text="BG-Nummer: 96201BG0082525", jobcenter=jobcenter, cover_case_number="96201BG7777777"
    )
    assert found.case == case_olena
    assert found.kind == "bg"


@pytest.mark.parametrize(
    "evidence",
    [
        "geb. am 04.03.1987",
        "Geburtsdatum: 4.3.1987",
        "geboren am 4. März 1987",
        "Geb.-Datum 04.03.87",
        "Friedrich-Ebert-Str. 12a\n44135 Dortmund",
        "Friedrich Ebert Straße 12 a, 44135 Dortmund",
    ],
)
def test_name_with_birth_date_or_address_is_filed(jobcenter, case_olena, evidence):
    text = f"Stadtwerke Dortmund\nFrau Olena Kovalenko\n{evidence}\nStromrechnung 2024"
    found = identify(text=text, jobcenter=jobcenter)
    assert found.case == case_olena
    assert found.kind == "name"
    assert found.confidence >= 0.85


def test_form_fields_last_name_first(jobcenter, case_olena):
    text = "Name, Vorname: KOVALENKO, Olena\nGeburtsdatum: 04.03.1987"
    assert identify(text=text, jobcenter=jobcenter).case == case_olena


def test_name_alone_is_not_filed(jobcenter, case_olena):
    found = identify(text="Frau Olena Kovalenko\nIhre Anfrage vom 02.05.2025", jobcenter=jobcenter)
    assert found.case is None
    assert found.suggestions[0].case == case_olena


def test_birth_date_and_address_without_the_name_are_not_filed(jobcenter, case_olena):
    text = "An die Mieter\nFriedrich-Ebert-Str. 12a, 44135 Dortmund\ngeb. 04.03.1987"
    assert identify(text=text, jobcenter=jobcenter).case is None


def test_last_name_with_another_first_name_is_not_filed(jobcenter, case_olena):
    text = "Herrn Andrii Kovalenko\ngeb. am 04.03.1987\nFriedrich-Ebert-Str. 12a, 44135 Dortmund"
    assert identify(text=text, jobcenter=jobcenter).case is None


def test_two_households_with_the_same_evidence_go_to_triage(jobcenter, case_olena):
    other = CaseFactory(jobcenter=jobcenter, bg_number="96201BG0011111")
    PersonFactory(case=other, first_name="Olena", last_name="Kovalenko",
                  birth_date=dt.date(1987, 3, 4))  # fmt: skip
    found = identify(text="Olena Kovalenko, geb. 04.03.1987", jobcenter=jobcenter)
    assert found.case is None
    assert {s.case for s in found.suggestions} == {case_olena, other}


def test_another_jobcenters_case_is_never_matched(jobcenter, case_olena):
    elsewhere = JobcenterFactory(slug="anderswo", state="BY")
    foreign = CaseFactory(jobcenter=elsewhere, bg_number="96201BG0055555")
    PersonFactory(case=foreign, customer_number="111D222333", first_name="Karl",
                  last_name="Fremd", birth_date=dt.date(1970, 1, 2))  # fmt: skip
    for text in (
        "BG-Nummer 96201BG0055555",
        "Kundennummer 111D222333",
        "Herrn Karl Fremd, geb. am 02.01.1970",
    ):
        found = identify(text=text, jobcenter=jobcenter)
        assert found.case is None
        assert all(s.case.jobcenter_id == jobcenter.pk for s in found.suggestions)


def test_queries_stay_few(jobcenter, case_olena, django_assert_max_num_queries):
    text = "BG-Nr. 96201BG0082526\nFrau Olena Kovalenko geb. am 04.03.1987\nKd.-Nr. 377D880521"
    with django_assert_max_num_queries(5):
        identify(text=text, jobcenter=jobcenter)


def test_german_date_notations():
    dates = find_dates("am 4. März 1987, 05.06.2001, 7.8.99 und 2020-01-31")
    assert {
        dt.date(1987, 3, 4),
        dt.date(2001, 6, 5),
        dt.date(1999, 8, 7),
        dt.date(2020, 1, 31),
    } <= dates
