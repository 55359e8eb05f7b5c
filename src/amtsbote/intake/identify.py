"""Which case does a scanned document belong to? Precision first.

``identify(text=…, jobcenter=…, cover_case_number=…)`` returns an ``Identification``. Its
``case`` is set only when the document may be filed automatically; otherwise the pipeline
puts the document into triage with ``suggestions``. The rules, strongest first:

1. **Cover sheet.** An Amtsbote cover sheet's case number wins when that case exists.
2. **Numbers.** BG-Nummer and Kundennummer are read tolerant of OCR confusions (O/0, I/l/1,
   S/5, B/8, Z/2, spaces and dashes inside, labels). A number counts only when it exists
   exactly (after undoing confusions) in this jobcenter; a number that belongs to no case is
   never "corrected" into a near one (those appear as suggestions only). Numbers of two
   different cases, or a number whose household is contradicted by a clear name match on
   another household, go to triage.
3. **Name with birth date or address.** First and last name close together (rapidfuzz),
   plus the birth date, or street with house number and postcode. Filed only when exactly one
   household has that evidence and the confidence passes ``AUTO_FILE_THRESHOLD``.

Database work: one query for all number candidates (cases with their people prefetched), one
for name candidates (prefiltered by the last-name spellings and dates in the text), and one
for near numbers only when a number did not exist.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q
from rapidfuzz import fuzz

from amtsbote.cases.models import Case, Person

from .recognition_text import (
    POSTCODE_RE,
    NumberRead,
    find_dates,
    find_numbers,
    fold,
    name_tokens,
    near_variants,
    normalise_for_streets,
    street_key,
    words,
)

if TYPE_CHECKING:
    import datetime as dt

    from amtsbote.cases.models import Jobcenter

# Calibrated on the generated corpus (bench/intake.py): the lowest confidence of a correct
# name filing was ~0.88 and no wrong household ever scored above ~0.6; 0.85 leaves margin.
AUTO_FILE_THRESHOLD = 0.85
NAME_MIN = 85  # rapidfuzz ratio (0-100) for first and last name each
NAME_PROXIMITY = 4  # words between first and last name at most
MAX_CANDIDATES = 400
MAX_SUGGESTIONS = 5


@dataclass
class Suggestion:
    case: Case
    score: float
    reason: str


@dataclass
class Identification:
    case: Case | None
    kind: str  # "cover" | "bg" | "kundennummer" | "name" | "none"
    confidence: float
    suggestions: list[Suggestion] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)


@dataclass
class _Evidence:
    person: Person
    name: float  # 0..100
    birth_date: bool
    address: bool

    @property
    def strong(self) -> bool:
        return self.name >= NAME_MIN and (self.birth_date or self.address)

    @property
    def confidence(self) -> float:
        if self.name < NAME_MIN - 10:
            return 0.0
        score = 0.45 + 0.25 * (self.name - (NAME_MIN - 10)) / (100 - (NAME_MIN - 10))
        score += 0.25 if self.birth_date else 0.0
        score += 0.2 if self.address else 0.0
        if self.name < NAME_MIN:
            score = min(score, 0.8)
        return round(min(score, 0.99), 3)

    def reason(self) -> str:
        parts = [f"name {self.person.full_name} ({self.name:.0f})"]
        if self.birth_date:
            parts.append("birth date")
        if self.address:
            parts.append("address")
        return " + ".join(parts)


class _Text:
    """The document text prepared once for all the candidates it is compared with."""

    def __init__(self, text: str) -> None:
        self.raw = text
        self.words = [fold(word) for word in words(text)]
        self.dates = find_dates(text)
        self.streets = normalise_for_streets(text)
        self.postcodes = set(POSTCODE_RE.findall(text))
        self._positions: dict[str, list[tuple[int, float]]] = {}

    def positions(self, name: str) -> list[tuple[int, float]]:
        """Where ``name`` (one or more words) appears, with a ratio >= NAME_MIN - 10."""
        key = fold(name)
        if key not in self._positions:
            parts = [fold(part) for part in words(name)]
            size = max(len(parts), 1)
            target = " ".join(parts)
            hits = []
            for index in range(len(self.words) - size + 1):
                window = " ".join(self.words[index : index + size])
                if abs(len(window) - len(target)) > 3:
                    continue
                score = fuzz.ratio(window, target)
                if score >= NAME_MIN - 10:
                    hits.append((index, score))
            self._positions[key] = hits
        return self._positions[key]

    def evidence(self, person: Person) -> _Evidence:
        best = 0.0
        for first_at, first_score in self.positions(person.first_name):
            for last_at, last_score in self.positions(person.last_name):
                if 0 < abs(last_at - first_at) <= NAME_PROXIMITY:
                    best = max(best, min(first_score, last_score))
        birth = person.birth_date is not None and person.birth_date in self.dates
        return _Evidence(person, best, birth, self._has_address(person))

    def _has_address(self, person: Person) -> bool:
        if not person.street or person.postal_code not in self.postcodes:
            return False
        name, number = street_key(person.street)
        if not name or not number:
            return False
        return fuzz.partial_ratio(name + number, self.streets) >= 90


def identify(
    *, text: str, jobcenter: Jobcenter, cover_case_number: str | None = None
) -> Identification:
    """Find the case of a document from its text (and cover sheet); see the module doc."""
    reads = find_numbers(text)
    numbers = [read.number for read in reads]
    if cover_case_number:
        case = Case.objects.filter(
            jobcenter=jobcenter, bg_number=cover_case_number.strip().upper()
        ).first()
        if case is not None:
            return Identification(case, "cover", 1.0, [Suggestion(case, 1.0, "cover sheet")],
                                  numbers)  # fmt: skip

    prepared = _Text(text)
    number_cases = _cases_for_numbers(jobcenter, reads)
    matched: dict[int, tuple[Case, NumberRead]] = {}
    unknown: list[NumberRead] = []
    for read in reads:
        case = number_cases.get(read.number)
        if case is None:
            unknown.append(read)
        elif case.pk not in matched or (read.kind == "bg" and matched[case.pk][1].kind != "bg"):
            matched[case.pk] = (case, read)

    evidence = _name_evidence(jobcenter, prepared, [c for c, _ in matched.values()])
    by_case: dict[int, _Evidence] = {}
    for item in evidence:
        current = by_case.get(item.person.case_id)
        if current is None or item.confidence > current.confidence:
            by_case[item.person.case_id] = item
    strong = {case_id: item for case_id, item in by_case.items() if item.strong}

    suggestions: dict[int, Suggestion] = {}

    def suggest(case: Case, score: float, reason: str) -> None:
        if case.pk not in suggestions or suggestions[case.pk].score < score:
            suggestions[case.pk] = Suggestion(case, round(score, 3), reason)

    for case, read in matched.values():
        suggest(case, 0.95, f"{_label(read)} {read.number}")
    for item in by_case.values():
        if item.confidence > 0:
            suggest(item.person.case, item.confidence, item.reason())
    if unknown and len(unknown) <= 3:
        for case, read in _near_cases(jobcenter, unknown):
            suggest(case, 0.3, f"{_label(read)} {read.number} does not exist; a near number does")

    ranked = sorted(suggestions.values(), key=lambda s: -s.score)[:MAX_SUGGESTIONS]

    if matched:
        if len(matched) > 1:
            return Identification(None, "none", 0.0, ranked, numbers)  # conflicting numbers
        case, read = next(iter(matched.values()))
        others = [case_id for case_id in strong if case_id != case.pk]
        if others:  # a clear name match on another household contradicts the number
            return Identification(None, "none", 0.0, ranked, numbers)
        confidence = 0.97 if read.exact or read.labelled else 0.9
        if case.pk in strong:
            confidence = 0.99
        return Identification(case, read.kind, confidence, ranked, numbers)

    if len(strong) == 1:
        item = next(iter(strong.values()))
        if item.confidence >= AUTO_FILE_THRESHOLD:
            return Identification(item.person.case, "name", item.confidence, ranked, numbers)
    return Identification(None, "none", ranked[0].score if ranked else 0.0, ranked, numbers)


def _label(read: NumberRead) -> str:
    return "BG-Nummer" if read.kind == "bg" else "Kundennummer"


def _cases_for_numbers(jobcenter: Jobcenter, reads: list[NumberRead]) -> dict[str, Case]:
    """{number: case} for the numbers that exist exactly in this jobcenter (one query + people)."""
    bgs = [read.number for read in reads if read.kind == "bg"]
    kds = [read.number for read in reads if read.kind == "kundennummer"]
    if not reads:
        return {}
    cases = (
        Case.objects.filter(jobcenter=jobcenter)
        .filter(Q(bg_number__in=bgs) | Q(people__customer_number__in=kds))
        .distinct()
        .prefetch_related(Prefetch("people", queryset=Person.objects.order_by("position", "id")))
    )
    found: dict[str, Case] = {}
    for case in cases:
        if case.bg_number in bgs:
            found[case.bg_number] = case
        for person in case.people.all():
            if person.customer_number in kds:
                found[person.customer_number] = case
    return found


def _name_evidence(jobcenter: Jobcenter, text: _Text, known: list[Case]) -> list[_Evidence]:
    """Evidence for every person whose last name is spelled in the text or whose birth date
    appears in it (one query), plus the people of the cases found by number."""
    tokens = name_tokens(text.raw)
    dates: set[dt.date] = text.dates
    condition = Q(last_name__in=tokens) if tokens else Q(pk__in=[])
    if dates:
        condition |= Q(birth_date__in=dates)
    people = list(
        Person.objects.filter(case__jobcenter=jobcenter)
        .filter(condition)
        .select_related("case")[:MAX_CANDIDATES]
    )
    seen = {person.pk for person in people}
    for case in known:
        for person in case.people.all():
            if person.pk not in seen:
                person.case = case
                people.append(person)
    result = []
    for person in people:
        item = text.evidence(person)
        if item.name > 0:
            result.append(item)
    return result


def _near_cases(jobcenter: Jobcenter, reads: list[NumberRead]) -> list[tuple[Case, NumberRead]]:
    """Cases whose number is one digit away from a number that does not exist (suggestions)."""
    variants: dict[str, NumberRead] = {}
    for read in reads:
        for variant in near_variants(read.number):
            variants[variant] = read
    bgs = [v for v, read in variants.items() if read.kind == "bg"]
    kds = [v for v, read in variants.items() if read.kind == "kundennummer"]
    cases = (
        Case.objects.filter(jobcenter=jobcenter)
        .filter(Q(bg_number__in=bgs) | Q(people__customer_number__in=kds))
        .distinct()
        .prefetch_related("people")[:MAX_SUGGESTIONS]
    )
    result: list[tuple[Case, NumberRead]] = []
    grouped: dict[int, list[NumberRead]] = defaultdict(list)
    for case in cases:
        keys = [case.bg_number, *(p.customer_number for p in case.people.all())]
        for key in keys:
            if key in variants:
                grouped[case.pk].append(variants[key])
        if grouped[case.pk]:
            result.append((case, grouped[case.pk][0]))
    return result
