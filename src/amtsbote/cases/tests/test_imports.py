"""Initial case load from the benefits system's CSV export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from amtsbote.audit.models import AuditEvent
from amtsbote.audit.services import verify_chain
from amtsbote.cases.imports import import_cases_csv, parse_birth_date
from amtsbote.cases.models import Case, Person
from amtsbote.cases.services import person_update
from amtsbote.cases.tests.factories import JobcenterFactory
from amtsbote.core.exceptions import ValidationFailed

pytestmark = pytest.mark.django_db

HEADER = "bg_nummer,kundennummer,last_name,first_name,birth_date,street,postcode,city"
EXPORT = f"""{HEADER}
96201BG0000001,955D000001,Schmidt,Anna,1985-04-12,Hauptstraße 1,12345,Musterstadt
96201BG0000001,955D000002,Schmidt,Paul,03.09.2012,Hauptstraße 1,12345,Musterstadt
96201BG0000002,955D000003,Yılmaz,Ayşe,,Am Markt 7,12345,Musterstadt
"""


def run(jobcenter, text: str, **kwargs):
    return import_cases_csv(jobcenter=jobcenter, file=io.StringIO(text), **kwargs)


def test_creates_households_and_people_with_teams_and_audit(jobcenter, team_leistung):
    result = run(jobcenter, EXPORT, teams=[team_leistung])

    assert result.ok and result.imported
    assert (result.rows, result.cases_created, result.people_created) == (3, 2, 3)
    case = Case.objects.get(jobcenter=jobcenter, bg_number="96201BG0000001")
    assert list(case.teams.all()) == [team_leistung]
    anna, paul = case.people.order_by("position")
    assert (anna.first_name, anna.birth_date, anna.position) == ("Anna", dt.date(1985, 4, 12), 0)
    assert (paul.first_name, paul.birth_date, paul.position) == ("Paul", dt.date(2012, 9, 3), 1)
    assert (anna.street, anna.postal_code, anna.city) == ("Hauptstraße 1", "12345", "Musterstadt")
    ayse = Person.objects.get(customer_number="955D000003")
    assert (ayse.last_name, ayse.birth_date) == ("Yılmaz", None)
    # The same audit events as the services write, in an intact chain.
    assert AuditEvent.objects.filter(action="cases.case.create").count() == 2
    assert AuditEvent.objects.filter(action="cases.person.create", case_id=case.pk).count() == 2
    assert verify_chain() is None


def test_re_running_updates_and_never_duplicates(jobcenter, team_leistung):
    run(jobcenter, EXPORT, teams=[team_leistung])
    other_team = jobcenter.teams.get(name="Eingangszone")

    again = run(jobcenter, EXPORT, teams=[other_team])
    assert (again.cases_created, again.people_created, again.people_updated) == (0, 0, 0)
    assert again.people_unchanged == 3

    moved = EXPORT.replace("Am Markt 7", "Bahnhofstraße 3") + (
        "96201BG0000002,955D000004,Yılmaz,Emre,2015-01-01,Bahnhofstraße 3,12345,Musterstadt\n"
    )
    result = run(jobcenter, moved)

    assert (result.cases_created, result.people_created, result.people_updated) == (0, 1, 1)
    assert Case.objects.filter(jobcenter=jobcenter).count() == 2
    assert Person.objects.filter(case__jobcenter=jobcenter).count() == 4
    ayse = Person.objects.get(customer_number="955D000003")
    assert ayse.street == "Bahnhofstraße 3"
    assert Person.objects.get(customer_number="955D000004").position == 1
    # Existing cases keep their teams.
    case = Case.objects.get(bg_number="96201BG0000002")
    assert list(case.teams.all()) == [team_leistung]
    event = AuditEvent.objects.get(action="cases.person.update")
    assert event.data == {"fields": ["street"]}
    assert event.case_id == case.pk
    assert verify_chain() is None


def test_an_empty_cell_does_not_erase_a_stored_value(jobcenter):
    run(jobcenter, EXPORT)
    run(jobcenter, EXPORT.replace("1985-04-12,Hauptstraße 1,12345", ",,12345"))

    anna = Person.objects.get(customer_number="955D000001")
    assert (anna.birth_date, anna.street) == (dt.date(1985, 4, 12), "Hauptstraße 1")


def test_the_same_bg_number_in_another_jobcenter_is_another_case(jobcenter):
    other = JobcenterFactory(slug="anderswo")
    run(jobcenter, EXPORT)
    run(other, EXPORT)

    assert Case.objects.filter(bg_number="96201BG0000001").count() == 2
    assert Person.objects.filter(customer_number="955D000001").count() == 2


BAD = f"""{HEADER}
96201BG0000001,955D000001,Schmidt,Anna,1985-04-12,Hauptstraße 1,12345,Musterstadt
96201XX0000001,955D000009,Kaputt,Karl,1980-01-01,,,
96201BG0000003,955D00001,Kurz,Kai,1980-01-01,,,
96201BG0000004,955D000010,Datum,Dora,31.02.1990,,,
96201BG0000005,955D000011,,Leer,1990-01-01,,,
96201BG0000006,955D000012,Spalten,Sam

96201BG0000001,955D000001,Schmidt,Anna,1985-04-12,Hauptstraße 1,12345,Musterstadt
96201BG0000007,955D000013,Post,Peter,1990-01-01,Weg 1,1234,Ort
96201 BG 0000008,955 D 000014,Gut,Gerda,1.2.1970,Weg 2,54321,Ort
"""


def test_invalid_rows_are_reported_with_line_numbers_and_the_rest_imported(jobcenter):
    result = run(jobcenter, BAD)

    assert [error.line for error in result.errors] == [3, 4, 5, 6, 7, 9, 10]
    messages = {error.line: error.message for error in result.errors}
    assert "96201XX0000001" in messages[3]
    assert "955D00001" in messages[4]
    assert "31.02.1990" in messages[5]
    assert "last_name" in messages[6]
    assert "Spalten" in messages[7]
    assert "Zeile 2" in messages[9]
    assert "1234" in messages[10]
    assert "Zeile 3:" in str(result.errors[0])
    assert not result.ok and result.imported
    assert set(Person.objects.values_list("customer_number", flat=True)) == {
        "955D000001",
        "955D000014",
    }
    gerda = Person.objects.get(customer_number="955D000014")
    assert (gerda.case.bg_number, gerda.birth_date) == ("96201BG0000008", dt.date(1970, 2, 1))


def test_strict_imports_nothing_when_a_row_is_invalid(jobcenter):
    result = run(jobcenter, BAD, strict=True)

    assert not result.imported
    assert len(result.errors) == 7
    assert not Case.objects.exists()
    assert run(jobcenter, EXPORT, strict=True).imported


def test_semicolons_bom_and_header_case_are_accepted(jobcenter):
    header, *rows = EXPORT.replace(",", ";").splitlines()
    text = "\ufeff" + "\n".join([header.upper(), *rows])

    result = run(jobcenter, text)

    assert result.ok
    assert result.people_created == 3


def test_a_wrong_header_refuses_the_file(jobcenter):
    with pytest.raises(ValidationFailed) as info:
        run(jobcenter, "bg,kdnr,name\n96201BG0000001,955D000001,Schmidt\n")
    assert "bg_nummer" in info.value.message
    assert not Case.objects.exists()


def test_teams_of_another_jobcenter_are_refused(jobcenter, stranger_sara):
    with pytest.raises(ValidationFailed):
        run(jobcenter, EXPORT, teams=list(stranger_sara.teams.all()))


def test_ten_thousand_rows_in_bulk(jobcenter, django_assert_max_num_queries):
    lines = [HEADER] + [
        f"96201BG{n // 2:07d},955D{n:06d},Muster,Person {n},01.02.1980,Weg {n},12345,Ort"
        for n in range(10_000)
    ]
    # Bulk writes: a few hundred batches (SQLite binds at most 999 values per query), not
    # several queries per row.
    with django_assert_max_num_queries(600):
        result = run(jobcenter, "\n".join(lines), teams=list(jobcenter.teams.all()))
    assert (result.cases_created, result.people_created) == (5000, 10_000)
    assert verify_chain() is None


def test_parse_birth_date():
    assert parse_birth_date("2001-12-31") == dt.date(2001, 12, 31)
    assert parse_birth_date("31.12.2001") == dt.date(2001, 12, 31)
    assert parse_birth_date(" ") is None
    with pytest.raises(ValueError):
        parse_birth_date("12/31/2001")


# --- the command -----------------------------------------------------------------------------


def test_command_imports_and_prints_a_summary(jobcenter, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")

    call_command("import_cases", str(path), "--jobcenter", "musterstadt", "--team", "Leistung")

    out = capsys.readouterr().out
    assert "3 Zeilen" in out and "2 neue Bedarfsgemeinschaften" in out and "3 neue Personen" in out
    case = Case.objects.get(bg_number="96201BG0000001")
    assert [team.name for team in case.teams.all()] == ["Leistung"]


def test_command_reports_bad_rows_and_fails(jobcenter, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(BAD, encoding="utf-8")

    with pytest.raises(CommandError, match="7 rows were rejected"):
        call_command("import_cases", str(path), "--jobcenter", "musterstadt")

    captured = capsys.readouterr()
    assert "Zeile 3:" in captured.err and "Zeile 10:" in captured.err
    assert Person.objects.count() == 2

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_cases", str(path), "--jobcenter", "musterstadt", "--strict")


def test_command_refuses_unknown_jobcenter_team_and_file(jobcenter, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    with pytest.raises(CommandError, match="No jobcenter"):
        call_command("import_cases", str(path), "--jobcenter", "nirgendwo")
    with pytest.raises(CommandError, match="No team 'Vertrieb'"):
        call_command("import_cases", str(path), "--jobcenter", "musterstadt", "--team", "Vertrieb")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_cases", str(tmp_path / "nope.csv"), "--jobcenter", "musterstadt")
    assert not Case.objects.exists()


# --- person_update ---------------------------------------------------------------------------


def test_person_update_changes_given_fields_and_audits(jobcenter, caseworker_ben):
    run(jobcenter, EXPORT)
    anna = Person.objects.get(customer_number="955D000001")

    person_update(person=anna, street="Neuer Weg 2", city=None, actor=caseworker_ben)
    person_update(person=anna, street="Neuer Weg 2", actor=caseworker_ben)  # no change

    anna.refresh_from_db()
    assert (anna.street, anna.city) == ("Neuer Weg 2", "Musterstadt")
    event = AuditEvent.objects.get(action="cases.person.update")
    assert event.data == {"fields": ["street"]}
    assert event.actor == caseworker_ben
