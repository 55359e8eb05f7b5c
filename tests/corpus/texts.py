"""German document texts of the 20 intake types, with the identifiers the generator asks for.

These are written independently of ``amtsbote.intake.classifier_seed`` (different senders,
phrasing and layout) so that classification is measured on held-out text.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .people import Household, Member

MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


def german_date(day: dt.date, style: int = 0) -> str:
    if style == 1:
        return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
    if style == 2:
        return f"{day.day}.{day.month}.{day.year}"
    return day.strftime("%d.%m.%Y")


@dataclass
class Ctx:
    rng: random.Random
    person: Member
    household: Household
    show_name: bool
    show_address: bool
    show_birth: bool
    number_line: str | None
    today: dt.date

    def pick(self, options: Sequence[str]) -> str:
        return self.rng.choice(list(options))

    def money(self, low: float, high: float) -> str:
        value = self.rng.uniform(low, high)
        whole, cents = f"{value:.2f}".split(".")
        whole = f"{int(whole):,}".replace(",", ".")
        return f"{whole},{cents} EUR" if self.rng.random() < 0.5 else f"{whole},{cents} €"

    def date(self, back_days: int = 60) -> str:
        return german_date(self.today - dt.timedelta(days=self.rng.randint(0, back_days)))

    @property
    def name(self) -> str:
        return self.person.full_name if self.show_name else ""

    def recipient(self, fallback: str = "An die Mieter/innen") -> list[str]:
        if not self.show_name:
            return [fallback, ""]
        lines = [self.pick(["", "Frau " if self.person.sex == "f" else "Herrn "]) + self.name]
        if self.show_address:
            lines += [self.household.street, f"{self.household.postcode} {self.household.city}"]
        return [*lines, ""]

    def refs(self) -> list[str]:
        lines = []
        if self.number_line:
            lines.append(self.number_line)
        if self.show_birth and self.show_name:
            birth = german_date(self.person.birth_date, self.rng.choice([0, 0, 0, 1, 2]))
            lines.append(
                self.pick(
                    [
                        f"Geburtsdatum: {birth}",
                        f"geb. am {birth}",
                        f"Geb.-Datum {birth}",
                        f"geboren am {birth}",
                    ]
                )
            )
        return lines

    def fields(self) -> list[str]:
        """Form fields: name, birth date, address as a form lists them."""
        lines = []
        if self.show_name:
            lines.append(f"Name, Vorname: {self.person.last_name}, {self.person.first_name}")
        if self.show_birth and self.show_name:
            lines.append(f"Geburtsdatum: {german_date(self.person.birth_date)}")
        if self.show_address and self.show_name:
            lines.append(
                f"Anschrift: {self.household.street}, "
                f"{self.household.postcode} {self.household.city}"
            )
        if self.number_line:
            lines.append(self.number_line)
        return lines


def mietvertrag(c: Ctx) -> list[str]:
    landlord = c.pick(
        [
            "Wohnungsbaugesellschaft Ruhr eG",
            "Immobilien Krämer GmbH",
            "Hausverwaltung Petersen & Söhne",
        ]
    )
    return [
        c.pick(["MIETVERTRAG", "Mietvertrag für Wohnraum", "Wohnungsmietvertrag"]),
        "",
        f"Zwischen {landlord} (Vermieter)",
        "und",
        *(c.fields() or ["den Mietern laut Anlage"]),
        "(Mieter) wird folgender Vertrag geschlossen:",
        "",
        f"§ 1 Mietsache: Vermietet wird die Wohnung {c.pick(['im 2. OG links', 'im EG rechts'])}"
        f" bestehend aus {c.rng.randint(1, 4)} Zimmern, Küche, Bad, ca. {c.rng.randint(35, 95)}"
        f" m².",
        f"§ 2 Mietzeit: Das Mietverhältnis beginnt am {c.date(400)} und läuft auf unbestimmte"
        f" Zeit.",
        f"§ 3 Miete: Die monatliche Grundmiete (Kaltmiete) beträgt {c.money(320, 780)}.",
        f"Vorauszahlung auf die Betriebskosten {c.money(80, 220)}, Heizkosten {c.money(50, 140)}.",
        "§ 4 Die Kaution beträgt drei Monatsmieten.",
        "§ 5 Schönheitsreparaturen und Hausordnung gemäß Anlage.",
        "",
        "Ort, Datum, Unterschrift Vermieter           Unterschrift Mieter",
    ]


def meldebescheinigung(c: Ctx) -> list[str]:
    return [
        f"Stadt {c.household.city} - Bürgerdienste / Meldebehörde",
        "",
        c.pick(
            [
                "Meldebescheinigung",
                "Erweiterte Meldebescheinigung",
                "Einfache Meldebescheinigung nach § 18 BMG",
            ]
        ),
        "",
        "Für die nachstehend bezeichnete Person sind im Melderegister folgende Daten gespeichert:",
        *c.fields(),
        f"Staatsangehörigkeit: {c.pick(['deutsch', 'ukrainisch', 'syrisch', 'türkisch'])}",
        f"Einzugsdatum: {c.date(900)}",
        "Wohnungsstatus: Hauptwohnung",
        "Diese Bescheinigung wurde maschinell erstellt und ist ohne Unterschrift gültig.",
        f"{c.household.city}, den {c.date(10)}",
    ]


def kontoauszug(c: Ctx) -> list[str]:
    bank = c.pick(["Sparkasse Dortmund", "Volksbank Ruhr Mitte eG", "Postbank", "Commerzbank"])
    lines = [
        bank,
        *c.recipient("Kontoinhaber"),
        *c.refs(),
        c.pick(["Kontoauszug Nr. ", "Auszug "]) + str(c.rng.randint(1, 12)) + f"/{c.today.year}",
        f"IBAN DE{c.rng.randint(10, 99)} 4405 0199 {c.rng.randint(1000, 9999)} "
        f"{c.rng.randint(1000, 9999)} {c.rng.randint(10, 99)}",
        f"Alter Kontostand vom {c.date(40)}: {c.money(0, 900)}",
        "",
        "Buchungstag  Verwendungszweck                       Betrag",
    ]
    entries = [
        "Miete Wohnung",
        "REWE Markt sagt danke",
        "Bundesagentur für Arbeit Bürgergeld",
        "Familienkasse Kindergeld",
        "Lastschrift Stadtwerke Abschlag",
        "Bargeldauszahlung GA",
        "Telekom Deutschland",
        "Gutschrift Lohn/Gehalt",
        "Dauerauftrag",
    ]
    for entry in c.rng.sample(entries, 6):
        lines.append(f"{c.date(30)[:6]}  {entry:<38} {c.pick(['-', '+'])}{c.money(5, 600)}")
    lines += ["", f"Neuer Kontostand: {c.money(0, 1200)}", "Bitte prüfen Sie die Umsätze."]
    return lines


def lohnabrechnung(c: Ctx) -> list[str]:
    employer = c.pick(
        [
            "Logistik Westfalen GmbH",
            "Bäckerei Sonnenschein",
            "CleanTeam Service KG",
            "Pflegedienst Lebensfreude",
        ]
    )
    month = MONTHS[c.rng.randint(0, 11)]
    return [
        employer,
        *c.recipient("Personalnummer 4711"),
        c.pick(["Verdienstabrechnung", "Lohnabrechnung", "Entgeltabrechnung", "Gehaltsabrechnung"])
        + f" {month} {c.today.year}",
        *c.refs(),
        f"Personalnummer: {c.rng.randint(1000, 99999)}   Steuerklasse: {c.rng.randint(1, 5)}",
        f"Bruttobezüge: {c.money(520, 2900)}",
        f"Lohnsteuer {c.money(0, 200)}   Solidaritätszuschlag 0,00 €   Kirchensteuer 0,00 €",
        f"Krankenversicherung AN-Anteil {c.money(40, 230)}",
        f"Rentenversicherung {c.money(40, 260)}   Arbeitslosenversicherung {c.money(5, 40)}",
        f"Pflegeversicherung {c.money(8, 60)}",
        f"Gesetzliche Abzüge gesamt: {c.money(100, 700)}",
        f"Nettoverdienst / Auszahlungsbetrag: {c.money(450, 2100)}",
        f"Arbeitsstunden im Monat: {c.rng.randint(40, 170)}",
    ]


def nebenkostenabrechnung(c: Ctx) -> list[str]:
    return [
        c.pick(["Hausverwaltung Rhein-Ruhr", "Vonovia Kundenservice", "LEG Wohnen NRW"]),
        *c.recipient(),
        *c.refs(),
        c.pick(["Betriebskostenabrechnung", "Nebenkostenabrechnung"]) + f" für {c.today.year - 1}",
        f"Abrechnungszeitraum 01.01.{c.today.year - 1} bis 31.12.{c.today.year - 1}",
        "Umlageschlüssel: Wohnfläche",
        "",
        f"Grundsteuer {c.money(60, 200)}    Müllabfuhr {c.money(80, 250)}",
        f"Wasser und Abwasser {c.money(200, 600)}    Hausreinigung {c.money(40, 200)}",
        f"Gartenpflege {c.money(20, 120)}    Allgemeinstrom {c.money(10, 60)}",
        f"Versicherungen {c.money(50, 150)}    Hauswart {c.money(60, 200)}",
        f"Summe Ihrer Kosten {c.money(800, 2000)}, Vorauszahlungen {c.money(800, 2000)}",
        c.pick([f"Nachzahlung: {c.money(30, 400)}", f"Guthaben: {c.money(30, 400)}"]),
        "Der Betrag ist innerhalb von 30 Tagen fällig.",
    ]


def heizkostenabrechnung(c: Ctx) -> list[str]:
    return [
        c.pick(["Techem Energy Services", "ista Deutschland GmbH", "Minol Messtechnik"]),
        *c.recipient("Nutzer der Wohnung"),
        *c.refs(),
        c.pick(
            [
                "Heizkostenabrechnung",
                "Abrechnung Heizung und Warmwasser",
                "Ihre Heiz- und Warmwasserkostenabrechnung",
            ]
        ),
        f"Abrechnungszeitraum {c.today.year - 1}",
        "Verteilung nach Heizkostenverordnung: 70 % Verbrauch, 30 % Grundkosten",
        "",
        f"Brennstoffkosten Erdgas {c.money(3000, 12000)} gesamt Liegenschaft",
        f"Heizkörper-Verbrauchswerte (Heizkostenverteiler) Einheiten: {c.rng.randint(200, 2500)}",
        f"Warmwasser m³: {c.rng.randint(8, 40)}",
        f"Ihre Heizkosten {c.money(300, 900)}, Warmwasserkosten {c.money(100, 400)}",
        f"Ihre Vorauszahlungen {c.money(300, 1200)}",
        c.pick([f"Ihr Guthaben {c.money(10, 300)}", f"Nachforderung {c.money(10, 300)}"]),
    ]


def au_bescheinigung(c: Ctx) -> list[str]:
    return [
        c.pick(
            [
                "Arbeitsunfähigkeitsbescheinigung",
                "AU-Bescheinigung zur Vorlage beim Arbeitgeber",
                "Ausfertigung zur Vorlage bei der Krankenkasse",
            ]
        ),
        f"Krankenkasse bzw. Kostenträger: {c.pick(['AOK NordWest', 'Barmer', 'TK', 'DAK'])}",
        *c.fields(),
        "",
        c.pick(["Erstbescheinigung", "Folgebescheinigung"]),
        f"arbeitsunfähig seit {c.date(10)}",
        f"voraussichtlich arbeitsunfähig bis einschließlich {c.date(0)}",
        f"festgestellt am {c.date(5)}",
        f"Diagnose ICD-10: {c.pick(['J06.9 G', 'M54.5 G', 'A09.9 G', 'F32.1 G'])}",
        "Arbeitsunfall, Durchgangsarzt: nein",
        c.pick(
            [
                "Praxis Dr. med. Ulrike Sommer, Allgemeinmedizin",
                "Gemeinschaftspraxis Dres. Yıldız und Brandt",
            ]
        ),
        "Vertragsarztstempel / Unterschrift des Arztes",
    ]


def kindergeldbescheid(c: Ctx) -> list[str]:
    kids = [m for m in c.household.members if m.birth_date.year >= 2006] or [c.person]
    lines = [
        "Bundesagentur für Arbeit - Familienkasse Nordrhein-Westfalen Ost",
        *c.recipient("Kindergeldberechtigte Person"),
        *c.refs(),
        f"Kindergeld-Nr.: {c.rng.randint(100, 999)}FK{c.rng.randint(100000, 999999)}",
        c.pick(["Bescheid über Kindergeld", "Kindergeldbescheid", "Festsetzung des Kindergeldes"]),
        "",
        "Sehr geehrte Damen und Herren,",
        "das Kindergeld wird nach § 70 Einkommensteuergesetz (EStG) festgesetzt für:",
    ]
    for kid in kids[:3]:
        lines.append(f"{kid.first_name}, geboren am {german_date(kid.birth_date)}")
    lines += [
        f"ab {MONTHS[c.rng.randint(0, 11)]} {c.today.year} monatlich 255,00 € je Kind.",
        "Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann Einspruch eingelegt werden.",
        "Ihre Familienkasse",
    ]
    return lines


def rentenbescheid(c: Ctx) -> list[str]:
    return [
        c.pick(["Deutsche Rentenversicherung Westfalen", "Deutsche Rentenversicherung Bund"]),
        *c.recipient("Versicherte Person"),
        *c.refs(),
        f"Versicherungsnummer {c.rng.randint(10, 99)} {c.rng.randint(100000, 999999)} "
        f"{c.pick(['M', 'W', 'K'])} {c.rng.randint(100, 999)}",
        c.pick(
            [
                "Rentenbescheid",
                "Bescheid über Rente wegen voller Erwerbsminderung",
                "Rentenanpassung zum 1. Juli",
                "Bescheid über Witwenrente",
            ]
        ),
        "",
        f"die Rente beginnt am {c.date(300)}. Die monatliche Rente beträgt ab sofort"
        f" {c.money(400, 1300)}.",
        f"Entgeltpunkte {c.rng.uniform(5, 40):.4f}, aktueller Rentenwert 39,32 Euro.",
        f"Beitragsanteil zur Kranken- und Pflegeversicherung der Rentner {c.money(30, 120)}",
        "Die Rente wird monatlich im Voraus auf Ihr Konto gezahlt.",
        "Gegen diesen Rentenbescheid können Sie innerhalb eines Monats Widerspruch erheben.",
    ]


def arbeitsvertrag(c: Ctx) -> list[str]:
    employer = c.pick(
        [
            "Spedition Ostwald GmbH",
            "Hotel Am Phoenixsee",
            "Kita Regenbogen gGmbH",
            "Amazon Logistik Werne",
        ]
    )
    return [
        c.pick(
            [
                "Arbeitsvertrag",
                "Befristeter Arbeitsvertrag",
                "Vertrag über eine geringfügige Beschäftigung (Minijob)",
            ]
        ),
        "",
        f"zwischen der Firma {employer} (Arbeitgeber)",
        "und",
        *(c.fields() or ["dem Arbeitnehmer"]),
        "(Arbeitnehmer/in)",
        "",
        f"§ 1 Beginn des Arbeitsverhältnisses: {c.date(60)}. Die Probezeit beträgt sechs Monate.",
        f"§ 2 Tätigkeit:"
        f" {c.pick(['Lagerhelfer/in', 'Reinigungskraft', 'Küchenhilfe', 'Erzieher/in'])}",
        f"§ 3 Arbeitszeit: {c.rng.randint(10, 40)} Stunden wöchentlich.",
        f"§ 4 Vergütung: Stundenlohn {c.money(12.82, 18)} brutto, zahlbar zum Monatsende.",
        f"§ 5 Urlaub: {c.rng.randint(24, 30)} Arbeitstage im Kalenderjahr.",
        "§ 6 Kündigungsfristen nach § 622 BGB.",
        "",
        "Unterschrift Arbeitgeber                  Unterschrift Arbeitnehmer",
    ]


def kuendigung(c: Ctx) -> list[str]:
    employer = c.pick(["Spedition Ostwald GmbH", "Gastro Service Ruhr", "Wohnbau Dortmund eG"])
    what = c.pick(
        [
            "das mit Ihnen bestehende Arbeitsverhältnis",
            "das Arbeitsverhältnis fristgerecht",
            "den Mietvertrag über die Wohnung",
        ]
    )
    return [
        employer,
        *c.recipient("Arbeitnehmer"),
        *c.refs(),
        f"{c.household.city}, {c.date(5)}",
        c.pick(["Kündigung", "Kündigung des Arbeitsverhältnisses", "Ordentliche Kündigung"]),
        "",
        c.pick(
            ["Sehr geehrte Frau " if c.person.sex == "f" else "Sehr geehrter Herr ", "Guten Tag "]
        )
        + (c.person.last_name if c.show_name else ""),
        f"hiermit kündigen wir {what} ordentlich zum {c.date(0)},",
        c.pick(["hilfsweise zum nächstmöglichen Termin.", "unter Einhaltung der Kündigungsfrist."]),
        "Bitte melden Sie sich unverzüglich arbeitsuchend bei der Agentur für Arbeit.",
        "Resturlaub und Arbeitszeugnis erhalten Sie gesondert.",
        "Mit freundlichen Grüßen",
        "Geschäftsführung",
    ]


def stromrechnung(c: Ctx) -> list[str]:
    return [
        c.pick(
            [
                "DEW21 Dortmunder Energie",
                "Stadtwerke Witten",
                "E.ON Energie Deutschland",
                "Vattenfall Europe Sales",
            ]
        ),
        *c.recipient("Kunde"),
        *c.refs(),
        c.pick(["Stromrechnung", "Jahresverbrauchsabrechnung Strom", "Ihre Rechnung für Strom"]),
        f"Vertragskonto {c.rng.randint(10000000, 99999999)}   Zählernummer"
        f" 1ESY{c.rng.randint(1000000, 9999999)}",
        f"Zählerstand alt {c.rng.randint(10000, 40000)} kWh, neu {c.rng.randint(40000, 60000)} kWh",
        f"Verbrauch {c.rng.randint(900, 3800)} kWh x Arbeitspreis 0,3412 €/kWh",
        f"Grundpreis {c.money(100, 180)} pro Jahr, Netzentgelte und Stromsteuer enthalten",
        f"Summe brutto inkl. 19 % MwSt. {c.money(400, 1500)}",
        f"Abschlagszahlungen geleistet {c.money(400, 1500)}",
        f"Neuer monatlicher Abschlag ab {c.date(0)}: {c.money(35, 130)}",
    ]


def krankenversicherung(c: Ctx) -> list[str]:
    return [
        c.pick(
            [
                "AOK NordWest - Die Gesundheitskasse",
                "Techniker Krankenkasse",
                "BARMER",
                "IKK classic",
            ]
        ),
        *c.recipient("Versicherte/r"),
        *c.refs(),
        c.pick(
            [
                "Mitgliedsbescheinigung",
                "Bescheinigung über die Mitgliedschaft",
                "Versicherungsbescheinigung",
            ]
        ),
        "",
        "hiermit bestätigen wir, dass die oben genannte Person bei uns",
        c.pick(["pflichtversichertes Mitglied", "familienversichert", "freiwillig versichert"])
        + f" ist, seit {c.date(1500)}.",
        f"Krankenversichertennummer"
        f" {c.pick(['A', 'K', 'M', 'T'])}{c.rng.randint(100000000, 999999999)}",
        "Die Versicherung umfasst auch die soziale Pflegeversicherung.",
        "Diese Bescheinigung dient zur Vorlage beim Jobcenter.",
        "Ihre Krankenkasse",
    ]


def unterhaltstitel(c: Ctx) -> list[str]:
    return [
        c.pick(
            [
                "Unterhaltsvereinbarung",
                "Vereinbarung über Kindesunterhalt",
                "Jugendamtsurkunde - Verpflichtung zur Zahlung von Unterhalt",
            ]
        ),
        "",
        "Zwischen",
        *(c.fields() or ["der Kindesmutter"]),
        "und dem Kindesvater",
        "",
        f"Der Unterhaltspflichtige verpflichtet sich, für das Kind monatlich {c.money(150, 600)}",
        "Kindesunterhalt zu zahlen, entsprechend "
        + c.pick(["der Düsseldorfer Tabelle", "100 % des Mindestunterhalts"])
        + ".",
        f"Der Unterhalt ist jeweils zum Ersten eines Monats fällig, erstmals am {c.date(90)}.",
        "Das hälftige Kindergeld wird angerechnet.",
        f"beurkundet beim Jugendamt {c.household.city}"
        if c.rng.random() < 0.5
        else "Unterschriften beider Elternteile",
    ]


def schulbescheinigung(c: Ctx) -> list[str]:
    kids = [m for m in c.household.members if m.birth_date.year >= 2006]
    child = kids[0] if kids else c.person
    school = c.pick(
        [
            "Gesamtschule Brünninghausen",
            "Heinrich-Heine-Gymnasium",
            "Grundschule am Park",
            "Robert-Bosch-Berufskolleg",
        ]
    )
    lines = [
        school,
        c.pick(
            ["Schulbescheinigung", "Bescheinigung über den Schulbesuch", "Schülerbescheinigung"]
        ),
        "",
    ]
    if c.show_name:
        lines.append(f"Hiermit wird bescheinigt, dass {child.full_name},")
        if c.show_birth:
            lines.append(f"geboren am {german_date(child.birth_date)},")
        if c.show_address:
            lines.append(
                f"wohnhaft {c.household.street}, {c.household.postcode} {c.household.city},"
            )
    else:
        lines.append("Hiermit wird bescheinigt, dass die Schülerin / der Schüler")
    if c.number_line:
        lines.append(c.number_line)
    lines += [
        f"im Schuljahr {c.today.year}/{c.today.year + 1} die Klasse "
        f"{c.rng.randint(1, 13)}{c.pick(['a', 'b', 'c'])} unserer Schule besucht.",
        "Der Schulbesuch ist voraussichtlich bis zum Ende des Schuljahres.",
        "Sekretariat / Schulleitung, Siegel",
    ]
    return lines


def weiterbewilligungsantrag(c: Ctx) -> list[str]:
    return [
        "Jobcenter Dortmund",
        c.pick(
            [
                "Weiterbewilligungsantrag (WBA)",
                "Antrag auf Weiterbewilligung der Leistungen nach dem SGB II",
                "WBA - Antrag auf Weiterbewilligung Bürgergeld",
            ]
        ),
        "",
        *c.fields(),
        "",
        "Ich beantrage die Weiterbewilligung des Bürgergeldes für den nächsten"
        " Bewilligungszeitraum.",
        "1. Haben sich Ihre persönlichen Verhältnisse geändert?  [ ] ja  [X] nein",
        "2. Hat sich Ihr Einkommen verändert?  [ ] ja  [X] nein",
        "3. Hat sich Ihr Vermögen oder Ihre Wohnsituation geändert?  [X] nein",
        "Ich versichere, dass meine Angaben vollständig sind und zutreffen.",
        f"Datum {c.date(10)}      Unterschrift der antragstellenden Person",
    ]


def veraenderungsmitteilung(c: Ctx) -> list[str]:
    change = c.pick(
        [
            "Umzug in eine neue Wohnung",
            "Aufnahme einer Beschäftigung",
            "Änderung der Bankverbindung",
            "Geburt eines Kindes",
            "Auszug eines Mitglieds",
        ]
    )
    return [
        "An das Jobcenter",
        c.pick(
            [
                "Veränderungsmitteilung (VÄM)",
                "Veränderungsmitteilung",
                "Mitteilung über Änderungen in den Verhältnissen",
            ]
        ),
        "",
        *c.fields(),
        "",
        "Ich teile folgende Änderung mit, die für den Leistungsbezug von Bedeutung ist:",
        f"[X] {change}",
        f"Die Änderung tritt ein ab {c.date(30)}.",
        "Nachweise füge ich bei. Mir ist bekannt, dass ich Änderungen sofort mitteilen muss.",
        f"Datum {c.date(5)}    Unterschrift",
    ]


def widerspruch(c: Ctx) -> list[str]:
    return [
        *c.recipient("Absender"),
        "An das Jobcenter Dortmund - Widerspruchsstelle",
        *c.refs(),
        "",
        c.pick(
            [
                "Widerspruch gegen den Bescheid vom ",
                "Widerspruch gegen Ihren Bescheid vom ",
                "Betreff: Widerspruch - Bescheid vom ",
            ]
        )
        + c.date(25),
        "",
        "Sehr geehrte Damen und Herren,",
        "hiermit lege ich gegen den oben genannten Bescheid fristgerecht Widerspruch ein.",
        c.pick(
            [
                "Die Kosten der Unterkunft wurden nicht in voller Höhe berücksichtigt.",
                "Das Einkommen wurde falsch angerechnet.",
                "Die Aufhebung und Erstattung ist rechtswidrig.",
            ]
        ),
        "Die Begründung reiche ich nach. Ich bitte um Akteneinsicht.",
        "Mit freundlichen Grüßen",
        c.name,
    ]


def bewerbungsnachweis(c: Ctx) -> list[str]:
    lines = [
        c.pick(
            [
                "Nachweis der Eigenbemühungen",
                "Bewerbungsnachweis",
                "Liste meiner Bewerbungsaktivitäten",
            ]
        ),
        *c.fields(),
        f"Zeitraum: {c.date(60)} bis {c.date(0)}",
        "",
        "Datum      Arbeitgeber                    Stelle            Art     Ergebnis",
    ]
    firms = [
        "Rewe Markt GmbH",
        "DHL Hub Dortmund",
        "Pflegeheim St. Anna",
        "Stadtreinigung",
        "Lidl Vertriebs GmbH",
        "Zeitarbeit Flex",
        "Ikea Kamen",
        "Hermes Germany",
    ]
    for firm in c.rng.sample(firms, 5):
        lines.append(
            f"{c.date(60)} {firm:<30} {c.pick(['Lager', 'Verkauf', 'Fahrer', 'Reinigung'])}"
            f"  {c.pick(['online', 'per Post', 'persönlich'])}  {c.pick(['Absage', 'offen'])}"
        )
    lines += [
        "Die Bewerbungen wurden gemäß Eingliederungsvereinbarung / Kooperationsplan erbracht.",
        "Unterschrift",
    ]
    return lines


def kfz_versicherung(c: Ctx) -> list[str]:
    return [
        c.pick(
            [
                "HUK-COBURG",
                "Allianz Versicherungs-AG",
                "DEVK Versicherungen",
                "VHV Autoversicherung",
            ]
        ),
        *c.recipient("Versicherungsnehmer"),
        *c.refs(),
        c.pick(
            [
                "Beitragsrechnung zur Kfz-Versicherung",
                "Versicherungsschein Kraftfahrtversicherung",
                "Nachtrag zum Versicherungsschein Kfz",
            ]
        ),
        f"Amtliches Kennzeichen: DO-{c.pick(['AB', 'XK', 'M'])} {c.rng.randint(10, 9999)}",
        f"Fahrzeug: {c.pick(['VW Golf', 'Opel Corsa', 'Ford Fiesta', 'Skoda Fabia'])}",
        f"Kfz-Haftpflicht {c.money(150, 600)}  Teilkasko {c.money(50, 200)}",
        f"Schadenfreiheitsklasse SF {c.rng.randint(1, 20)}",
        f"Jahresbeitrag {c.money(200, 800)}, fällig am {c.date(0)}",
        "Versicherungszeitraum 01.01. bis 31.12.",
    ]


TEMPLATES: dict[str, Callable[[Ctx], list[str]]] = {
    "mietvertrag": mietvertrag,
    "meldebescheinigung": meldebescheinigung,
    "kontoauszug": kontoauszug,
    "lohnabrechnung": lohnabrechnung,
    "nebenkostenabrechnung": nebenkostenabrechnung,
    "heizkostenabrechnung": heizkostenabrechnung,
    "au_bescheinigung": au_bescheinigung,
    "kindergeldbescheid": kindergeldbescheid,
    "rentenbescheid": rentenbescheid,
    "arbeitsvertrag": arbeitsvertrag,
    "kuendigung": kuendigung,
    "stromrechnung": stromrechnung,
    "krankenversicherung": krankenversicherung,
    "unterhaltstitel": unterhaltstitel,
    "schulbescheinigung": schulbescheinigung,
    "weiterbewilligungsantrag": weiterbewilligungsantrag,
    "veraenderungsmitteilung": veraenderungsmitteilung,
    "widerspruch": widerspruch,
    "bewerbungsnachweis": bewerbungsnachweis,
    "kfz_versicherung": kfz_versicherung,
}
