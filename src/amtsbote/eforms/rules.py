"""Follow-ups by rule: which documents a sent form implies. Pure functions of the form code
and its data; ``services.form_submit`` turns them into one document request.

| form, answer | documents asked for |
|---|---|
| VÄM, move | Mietvertrag, Meldebescheinigung |
| VÄM, income: new job | Arbeitsvertrag, Lohn- / Gehaltsabrechnung |
| VÄM, income: pay changed | Lohn- / Gehaltsabrechnung |
| VÄM, household: person moves in | that person's Personalausweis / Pass, |
|   | Meldebescheinigung and Einkommensbescheinigung |
| VÄM, household: birth | Geburtsurkunde |
| WBA, income changed | Einkommensbescheinigung |
| WBA, assets changed | Kontoauszüge |
| Arbeitsunfähigkeit | Arbeitsunfähigkeitsbescheinigung (the photo of the AU) |
"""

from __future__ import annotations

from dataclasses import dataclass

from .constants import TEAM_INTEGRATION, TEAM_LEISTUNG
from .definitions.base import Data
from .definitions.checks import answer


@dataclass(frozen=True)
class FollowUp:
    """One document to ask for: a catalogue code, and a note (German, like the request)."""

    document_type_code: str
    note: str = ""


@dataclass(frozen=True)
class FollowUps:
    items: tuple[FollowUp, ...]
    # Team names in order of preference; the first that works on the case gets the request.
    teams: tuple[str, ...] = (TEAM_LEISTUNG,)


def _change_notice(data: Data) -> list[FollowUp]:
    parts = answer(data, "parts", "parts") or []
    items: list[FollowUp] = []
    if "move" in parts:
        items += [FollowUp("mietvertrag"), FollowUp("meldebescheinigung")]
    if "income" in parts:
        change = answer(data, "income", "change")
        if change == "new_job":
            items += [FollowUp("arbeitsvertrag"), FollowUp("lohnabrechnung")]
        elif change == "pay_change":
            items.append(FollowUp("lohnabrechnung"))
    if "household" in parts:
        change = answer(data, "household", "change")
        name = " ".join(
            filter(
                None,
                [answer(data, "household", "first_name"), answer(data, "household", "last_name")],
            )
        )
        note = f"von {name}" if name else ""
        if change == "moves_in":
            items += [
                FollowUp("personalausweis", note),
                FollowUp("meldebescheinigung", note),
                FollowUp("einkommensbescheinigung", note),
            ]
        elif change == "birth":
            items.append(FollowUp("geburtsurkunde", note))
    return items


def _continuation(data: Data) -> list[FollowUp]:
    items = []
    if answer(data, "changes", "income") == "yes":
        items.append(FollowUp("einkommensbescheinigung"))
    if answer(data, "changes", "assets") == "yes":
        items.append(FollowUp("kontoauszug"))
    return items


def follow_ups(form_code: str, data: Data) -> FollowUps:
    """What to ask for after the form ``form_code`` was sent with ``data``."""
    if form_code == "veraenderungsmitteilung":
        return FollowUps(tuple(_dedupe(_change_notice(data))))
    if form_code == "weiterbewilligungsantrag":
        return FollowUps(tuple(_continuation(data)))
    if form_code == "arbeitsunfaehigkeit":
        return FollowUps((FollowUp("au_bescheinigung"),), teams=(TEAM_INTEGRATION, TEAM_LEISTUNG))
    return FollowUps(())


def _dedupe(items: list[FollowUp]) -> list[FollowUp]:
    """The same document for the same person once (a move and a person moving in both ask
    for a Meldebescheinigung, but of different people: both stay)."""
    seen: set[FollowUp] = set()
    return [item for item in items if not (item in seen or seen.add(item))]  # type: ignore[func-returns-value]
