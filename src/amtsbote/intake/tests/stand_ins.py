"""Minimal stand-ins for identify/classify/imaging while their real modules are being written.

``install_if_missing()`` registers a stand-in only for a module that cannot be imported, so
as soon as the real ``amtsbote.intake.identify`` (etc.) exists, the tests use it. The
stand-ins are deliberately simple: exact BG-Nummer / Kundennummer, a few keywords, no
straightening.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import types
from dataclasses import dataclass, field
from typing import Any

BG_RE = re.compile(r"\b\d{5}\s?BG\s?\d{7}\b")
KD_RE = re.compile(r"\b\d{3}D\d{6}\b")
KEYWORDS = {
    "mietvertrag": "mietvertrag",
    "kontoauszug": "kontoauszug",
    "lohnabrechnung": "lohnabrechnung",
    "meldebescheinigung": "meldebescheinigung",
    "arbeitsunfähigkeit": "au_bescheinigung",
}


@dataclass
class Suggestion:
    case: Any
    score: float
    reason: str


@dataclass
class Identification:
    case: Any = None
    kind: str = "none"
    confidence: float = 0.0
    suggestions: list[Suggestion] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)


def identify(*, text: str, jobcenter: Any, cover_case_number: str | None = None) -> Identification:
    from amtsbote.cases.models import Case, Person

    if cover_case_number:
        case = Case.objects.filter(jobcenter=jobcenter, bg_number=cover_case_number).first()
        if case is not None:
            return Identification(case, "cover", 1.0, [], [cover_case_number])
    numbers = ["".join(n.split()) for n in BG_RE.findall(text)]
    for number in numbers:
        case = Case.objects.filter(jobcenter=jobcenter, bg_number=number).first()
        if case is not None:
            return Identification(case, "bg", 0.99, [], numbers)
    customer = KD_RE.findall(text)
    for number in customer:
        person = Person.objects.filter(case__jobcenter=jobcenter, customer_number=number).first()
        if person is not None:
            return Identification(person.case, "kundennummer", 0.98, [], numbers + customer)
    return Identification(numbers=numbers + customer)


@dataclass
class Classification:
    code: str | None
    confidence: float


LEARNED: list[tuple[str, str]] = []


def classify(text: str) -> Classification:
    lowered = text.lower()
    for word, code in KEYWORDS.items():
        if word in lowered:
            return Classification(code, 0.9)
    return Classification(None, 0.0)


def learn(*, text: str, code: str) -> None:
    LEARNED.append((text, code))


@dataclass
class Prepared:
    image: Any
    rotated_by: int = 0
    straightened: bool = False


def prepare(image: Any) -> Prepared:
    return Prepared(image)


def _module(name: str, **attrs: Any) -> types.ModuleType:
    module = types.ModuleType(f"amtsbote.intake.{name}")
    module.__dict__.update(attrs)
    return module


STAND_INS = {
    "identify": {"identify": identify, "Identification": Identification, "Suggestion": Suggestion},
    "classify": {"classify": classify, "learn": learn, "Classification": Classification},
    "imaging": {"prepare": prepare, "Prepared": Prepared},
}


def install_if_missing() -> list[str]:
    """Register stand-ins for the modules that do not exist yet; return their names."""
    import amtsbote.intake as package

    installed = []
    for name, attrs in STAND_INS.items():
        full = f"amtsbote.intake.{name}"
        if full in sys.modules or importlib.util.find_spec(full) is not None:
            continue
        module = _module(name, **attrs)
        sys.modules[full] = module
        setattr(package, name, module)
        installed.append(name)
    return installed
