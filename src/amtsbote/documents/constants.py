from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Source(models.TextChoices):
    PORTAL = "portal", _("portal")
    SCAN = "scan", _("scan")
    STAFF = "staff", _("staff")
    API = "api", _("API")


class OcrStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class InboxStatus(models.TextChoices):
    NEW = "new", _("new")
    SEEN = "seen", _("seen")


# The catalogue of common document types: code, German name, default register code.
DEFAULT_DOCUMENT_TYPES: list[tuple[str, str, str]] = [
    ("mietvertrag", "Mietvertrag", "unterkunft"),
    ("meldebescheinigung", "Meldebescheinigung", "unterkunft"),
    ("nebenkostenabrechnung", "Nebenkostenabrechnung", "unterkunft"),
    ("heizkostenabrechnung", "Heizkostenabrechnung", "unterkunft"),
    ("mietbescheinigung", "Mietbescheinigung", "unterkunft"),
    ("lohnabrechnung", "Lohn- / Gehaltsabrechnung", "einkommen"),
    ("arbeitsvertrag", "Arbeitsvertrag", "einkommen"),
    ("einkommensbescheinigung", "Einkommensbescheinigung", "einkommen"),
    ("kindergeldbescheid", "Kindergeldbescheid", "einkommen"),
    ("rentenbescheid", "Rentenbescheid", "einkommen"),
    ("alg1_bescheid", "Bescheid über Arbeitslosengeld", "einkommen"),
    ("kontoauszug", "Kontoauszüge", "vermoegen"),
    ("sparbuch", "Sparbuch / Depotauszug", "vermoegen"),
    ("kfz_schein", "Fahrzeugschein", "vermoegen"),
    ("unterhaltstitel", "Unterhaltstitel / -vereinbarung", "unterhalt"),
    ("unterhaltsvorschuss", "Bescheid Unterhaltsvorschuss", "unterhalt"),
    ("au_bescheinigung", "Arbeitsunfähigkeitsbescheinigung", "gesundheit"),
    ("schwerbehindertenausweis", "Schwerbehindertenausweis", "gesundheit"),
    ("krankenversicherung", "Nachweis Krankenversicherung", "gesundheit"),
    ("lebenslauf", "Lebenslauf", "vermittlung"),
    ("bewerbungsnachweis", "Bewerbungsnachweise", "vermittlung"),
    ("zeugnis", "Schul- / Arbeitszeugnis", "vermittlung"),
    ("personalausweis", "Personalausweis / Pass", "antrag"),
    ("aufenthaltstitel", "Aufenthaltstitel", "antrag"),
    ("geburtsurkunde", "Geburtsurkunde", "antrag"),
    ("schulbescheinigung", "Schulbescheinigung", "antrag"),
    ("sonstiges", "Sonstiges Schreiben", "schriftverkehr"),
    # Added for the mailroom's classifier (issue 3).
    ("kuendigung", "Kündigung", "einkommen"),
    ("stromrechnung", "Stromrechnung / Energieabrechnung", "unterkunft"),
    ("kfz_versicherung", "Kfz-Versicherung", "einkommen"),
    ("weiterbewilligungsantrag", "Weiterbewilligungsantrag (WBA)", "antrag"),
    ("veraenderungsmitteilung", "Veränderungsmitteilung (VÄM)", "antrag"),
    ("widerspruch", "Widerspruch", "schriftverkehr"),
]

# The document types' names for customers, in their language (the catalogue above keeps the
# German name the e-file and the mailroom use). msgids in English with the German word in
# brackets, which customers meet on paper; the German translation is the catalogue's name.
DOCUMENT_TYPE_NAMES: dict[str, StrOrPromise] = {
    "mietvertrag": _("Rent contract (Mietvertrag)"),
    "meldebescheinigung": _("Certificate of registration (Meldebescheinigung)"),
    "nebenkostenabrechnung": _("Statement of service charges (Nebenkostenabrechnung)"),
    "heizkostenabrechnung": _("Statement of heating costs (Heizkostenabrechnung)"),
    "mietbescheinigung": _("Confirmation of rent from the landlord (Mietbescheinigung)"),
    "lohnabrechnung": _("Pay slip (Lohn- / Gehaltsabrechnung)"),
    "arbeitsvertrag": _("Employment contract (Arbeitsvertrag)"),
    "einkommensbescheinigung": _("Certificate of income (Einkommensbescheinigung)"),
    "kindergeldbescheid": _("Child benefit decision (Kindergeldbescheid)"),
    "rentenbescheid": _("Pension decision (Rentenbescheid)"),
    "alg1_bescheid": _("Unemployment benefit decision (Bescheid über Arbeitslosengeld)"),
    "kontoauszug": _("Bank statements (Kontoauszüge)"),
    "sparbuch": _("Savings book / securities statement (Sparbuch / Depotauszug)"),
    "kfz_schein": _("Vehicle registration certificate (Fahrzeugschein)"),
    "unterhaltstitel": _("Maintenance order / agreement (Unterhaltstitel / -vereinbarung)"),
    "unterhaltsvorschuss": _("Maintenance advance decision (Bescheid Unterhaltsvorschuss)"),
    "au_bescheinigung": _("Sick note (Arbeitsunfähigkeitsbescheinigung)"),
    "schwerbehindertenausweis": _("Severe disability pass (Schwerbehindertenausweis)"),
    "krankenversicherung": _("Proof of health insurance (Nachweis Krankenversicherung)"),
    "lebenslauf": _("CV (Lebenslauf)"),
    "bewerbungsnachweis": _("Proof of job applications (Bewerbungsnachweise)"),
    "zeugnis": _("School / work reference (Schul- / Arbeitszeugnis)"),
    "personalausweis": _("Identity card / passport (Personalausweis / Pass)"),
    "aufenthaltstitel": _("Residence permit (Aufenthaltstitel)"),
    "geburtsurkunde": _("Birth certificate (Geburtsurkunde)"),
    "schulbescheinigung": _("School certificate (Schulbescheinigung)"),
    "sonstiges": _("Other letter (Sonstiges Schreiben)"),
    "kuendigung": _("Notice of termination (Kündigung)"),
    "stromrechnung": _("Electricity / energy bill (Stromrechnung / Energieabrechnung)"),
    "kfz_versicherung": _("Car insurance (Kfz-Versicherung)"),
    "weiterbewilligungsantrag": _(
        "Application to continue benefits (Weiterbewilligungsantrag, WBA)"
    ),
    "veraenderungsmitteilung": _("Notice of changes (Veränderungsmitteilung, VÄM)"),
    "widerspruch": _("Objection (Widerspruch)"),
}
