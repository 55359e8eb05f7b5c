from django.db import models
from django.utils.translation import gettext_lazy as _


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
