"""Initial case load: households and their members from the benefits system's CSV export.

One row per person, header ``bg_nummer,kundennummer,last_name,first_name,birth_date,street,
postcode,city`` (comma or semicolon separated, UTF-8 with or without BOM; ``birth_date`` as
``YYYY-MM-DD`` or ``DD.MM.YYYY``).

- Re-running updates, never duplicates: a case is found by jobcenter + BG-Nummer, a person
  by case + Kundennummer.
- Writes in bulk (one service call per row took ~8 s per 1,000 rows): the rows pass the
  same validators as ``case_create``/``person_create``, and every case and person created or
  changed gets the same audit event those services and ``person_update`` write.
- An empty cell never erases what is stored (an export that lacks a value is no reason to
  forget it); people missing from the file are left alone.
- Teams are given to new cases only; existing cases keep theirs.
- Invalid rows are reported with their line numbers. By default the valid rows are imported
  anyway (one transaction); with ``strict`` nothing is imported when any row is invalid.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsbote.accounts.models import Team, User
from amtsbote.audit import services as audit_services
from amtsbote.core.exceptions import ValidationFailed

from .models import Case, Jobcenter, Person
from .services import teams_of
from .validators import normalize_number, validate_bg_number, validate_customer_number

HEADER = (
    "bg_nummer",
    "kundennummer",
    "last_name",
    "first_name",
    "birth_date",
    "street",
    "postcode",
    "city",
)
_POSTCODE_RE = re.compile(r"^\d{5}$")
_LIMITS = {"last_name": 100, "first_name": 100, "street": 200, "city": 100}
_CHUNK = 500
_UPDATABLE = ("first_name", "last_name", "birth_date", "street", "postal_code", "city")


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class PersonRow:
    line: int
    bg_number: str
    customer_number: str
    last_name: str
    first_name: str
    birth_date: dt.date | None
    street: str
    postal_code: str
    city: str


@dataclass
class ImportResult:
    rows: int = 0
    cases_created: int = 0
    cases_existing: int = 0
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # False when strict mode refused the file: then nothing was stored.
    imported: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _(
            "%(rows)s rows: %(cases_created)s new households (%(cases_existing)s known), "
            "%(people_created)s new people, %(people_updated)s updated, "
            "%(people_unchanged)s unchanged, %(errors)s rows rejected."
        ) % {**self.__dict__, "errors": len(self.errors)}


def parse_birth_date(value: str) -> dt.date | None:
    """``YYYY-MM-DD`` or ``DD.MM.YYYY`` (also ``D.M.YYYY``); empty is None."""
    value = value.strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _reader(file: TextIO) -> csv.DictReader:
    first = file.readline().lstrip("\ufeff")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [name.strip().lower() for name in next(csv.reader([first], delimiter=delimiter))]
    missing = [name for name in HEADER if name not in header]
    if missing:
        raise ValidationFailed(
            _("The file lacks the columns %(columns)s. Expected header: %(header)s")
            % {"columns": ", ".join(missing), "header": ",".join(HEADER)},
            code="header",
        )
    return csv.DictReader(file, fieldnames=header, delimiter=delimiter)


def _check(line: int, values: dict[str, str]) -> PersonRow:
    """One row, normalised; raises ValueError with a message for people."""
    problems: list[str] = []
    bg_number = normalize_number(values["bg_nummer"])
    customer_number = normalize_number(values["kundennummer"])
    for value, validator in (
        (bg_number, validate_bg_number),
        (customer_number, validate_customer_number),
    ):
        try:
            validator(value)
        except ValidationError as exc:
            problems.extend(f"{value or '–'}: {m}" for m in exc.messages)
    for name in ("last_name", "first_name"):
        if not values[name]:
            problems.append(_("%(column)s is empty.") % {"column": name})
    for name, limit in _LIMITS.items():
        if len(values[name]) > limit:
            problems.append(
                _("%(column)s is longer than %(limit)s characters.")
                % {"column": name, "limit": limit}
            )
    if values["postcode"] and not _POSTCODE_RE.match(values["postcode"]):
        problems.append(_("postcode %(value)s is not 5 digits.") % {"value": values["postcode"]})
    birth_date = None
    try:
        birth_date = parse_birth_date(values["birth_date"])
    except ValueError:
        problems.append(
            _("birth_date %(value)s is no date (YYYY-MM-DD or DD.MM.YYYY).")
            % {"value": values["birth_date"]}
        )
    if birth_date and not dt.date(1900, 1, 1) <= birth_date <= dt.date.today():
        problems.append(_("birth_date %(value)s is not plausible.") % {"value": birth_date})
    if problems:
        raise ValueError(" ".join(problems))
    return PersonRow(
        line=line,
        bg_number=bg_number,
        customer_number=customer_number,
        last_name=values["last_name"],
        first_name=values["first_name"],
        birth_date=birth_date,
        street=values["street"],
        postal_code=values["postcode"],
        city=values["city"],
    )


def read_rows(file: TextIO) -> tuple[list[PersonRow], list[RowError]]:
    """Parse and check every row; a bad header raises ``ValidationFailed``."""
    reader = _reader(file)
    rows: list[PersonRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for record in reader:
        line = reader.line_num + 1  # the header was line 1
        if None in record or any(v is None for v in record.values()):
            errors.append(RowError(line, _("The row has a different number of columns.")))
            continue
        values = {name: " ".join((record.get(name) or "").split()) for name in HEADER}
        if not any(values.values()):
            continue  # blank line
        try:
            row = _check(line, values)
        except ValueError as exc:
            errors.append(RowError(line, str(exc)))
            continue
        key = (row.bg_number, row.customer_number)
        if key in seen:
            errors.append(
                RowError(
                    line,
                    _("Kundennummer %(number)s appears twice in household %(bg)s (line %(first)s).")
                    % {"number": row.customer_number, "bg": row.bg_number, "first": seen[key]},
                )
            )
            continue
        seen[key] = line
        rows.append(row)
    return rows, errors


def _chunks(values: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _known(
    jobcenter: Jobcenter, rows: list[PersonRow]
) -> tuple[dict[str, Case], dict[tuple[int, str], Person]]:
    """Existing cases by BG-Nummer and their people by (case id, Kundennummer)."""
    cases: dict[str, Case] = {}
    for chunk in _chunks(sorted({row.bg_number for row in rows})):
        cases.update(
            (case.bg_number, case)
            for case in Case.objects.filter(jobcenter=jobcenter, bg_number__in=chunk)
        )
    people: dict[tuple[int, str], Person] = {}
    for chunk in _chunks([case.pk for case in cases.values()]):
        people.update(
            ((person.case_id, person.customer_number), person)
            for person in Person.objects.filter(case_id__in=chunk)
        )
    return cases, people


def import_cases_csv(
    *,
    jobcenter: Jobcenter,
    file: TextIO,
    actor: User | None = None,
    teams: Iterable[Team] = (),
    strict: bool = False,
) -> ImportResult:
    """Create or update households and their members from ``file``; see the module docstring.

    Writes in bulk (10,000 rows in a few seconds) with the same checks and the same audit
    events as ``case_create``, ``person_create`` and ``person_update``. Raises
    ``ValidationFailed`` when the header is wrong or a team is of another jobcenter.
    """
    teams = teams_of(jobcenter, teams)
    rows, errors = read_rows(file)
    result = ImportResult(rows=len(rows) + len(errors), errors=errors)
    if strict and errors:
        result.imported = False
        return result
    with transaction.atomic():
        cases, people = _known(jobcenter, rows)
        result.cases_existing = len(cases)
        new_cases = _create_cases(jobcenter, rows, cases, teams)
        result.cases_created = len(new_cases)
        new_people, changed = _people(rows, cases, people)
        Person.objects.bulk_create(new_people, batch_size=_CHUNK)
        _update_people([person for person, _fields in changed])
        result.people_created = len(new_people)
        result.people_updated = len(changed)
        result.people_unchanged = len(rows) - len(new_people) - len(changed)
        by_id = {case.pk: case for case in cases.values()}
        jc = jobcenter.pk
        audit_services.record_many(
            [("cases.case.create", case, jc, case.pk, {}) for case in new_cases]
            + [("cases.person.create", p, jc, by_id[p.case_id].pk, {}) for p in new_people]
            + [
                ("cases.person.update", p, jc, by_id[p.case_id].pk, {"fields": f})
                for p, f in changed
            ],
            actor=actor,
            batch_size=_CHUNK,
        )
    return result


def _create_cases(
    jobcenter: Jobcenter, rows: list[PersonRow], cases: dict[str, Case], teams: list[Team]
) -> list[Case]:
    new_cases = [
        Case(jobcenter=jobcenter, bg_number=bg_number)
        for bg_number in dict.fromkeys(row.bg_number for row in rows)
        if bg_number not in cases
    ]
    Case.objects.bulk_create(new_cases, batch_size=_CHUNK)
    cases.update((case.bg_number, case) for case in new_cases)
    through = Case.teams.through
    through.objects.bulk_create(
        [through(case_id=case.pk, team_id=team.pk) for case in new_cases for team in teams],
        batch_size=_CHUNK,
    )
    return new_cases


def _update_people(people: list[Person]) -> None:
    """One prepared UPDATE for all changed people (``bulk_update``'s CASE is slow here)."""
    if not people:
        return
    now = timezone.now()
    names = (*_UPDATABLE, "updated_at")
    fields = [f for f in Person._meta.concrete_fields if f.name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column or f.name)} = %s" for f in fields)
    sql = f"UPDATE {quote(Person._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
    for person in people:
        person.updated_at = now
    with connection.cursor() as cursor:
        for chunk in _chunks(people):
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(getattr(p, f.attname), connection) for f in fields] + [p.pk]
                    for p in chunk
                ],
            )


def _people(
    rows: list[PersonRow], cases: dict[str, Case], people: dict[tuple[int, str], Person]
) -> tuple[list[Person], list[tuple[Person, list[str]]]]:
    """New people (numbered after the household's members) and changed ones with fields."""
    positions: dict[int, int] = {}
    for case_id, _number in people:
        positions[case_id] = positions.get(case_id, 0) + 1
    new_people: list[Person] = []
    changed: list[tuple[Person, list[str]]] = []
    for row in rows:
        case = cases[row.bg_number]
        values = {
            "first_name": row.first_name,
            "last_name": row.last_name,
            "birth_date": row.birth_date,
            "street": row.street,
            "postal_code": row.postal_code,
            "city": row.city,
        }
        person = people.get((case.pk, row.customer_number))
        if person is None:
            position = positions.get(case.pk, 0)
            positions[case.pk] = position + 1
            new_people.append(
                Person(case=case, customer_number=row.customer_number, position=position, **values)
            )
            continue
        # An empty cell never erases what is stored.
        fields = sorted(
            name for name, value in values.items() if value and getattr(person, name) != value
        )
        for name in fields:
            setattr(person, name, values[name])
        if fields:
            changed.append((person, fields))
    return new_people, changed
