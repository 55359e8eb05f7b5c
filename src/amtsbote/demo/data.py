"""Who lives in Musterstadt: names, streets and the staff of its jobcenter (all invented)."""

from __future__ import annotations

from dataclasses import dataclass

from amtsbote.accounts.constants import Role

JOBCENTER_NAME = "Jobcenter Musterstadt"
JOBCENTER_SLUG = "musterstadt"
JOBCENTER_STATE = "NW"
JOBCENTER_ADDRESS = "Jobcenter Musterstadt\nAm Rathausplatz 1\n12345 Musterstadt"
TEAM_LEISTUNG = "Leistung"
TEAM_MARKT = "Markt & Integration"
TEAM_EINGANG = "Eingangszone"
TEAMS = (TEAM_LEISTUNG, TEAM_MARKT, TEAM_EINGANG)

CITY = "Musterstadt"
POSTAL_CODES = ("12345", "12346", "12347", "12349")
STREETS = (
    "Hauptstraße",
    "Bahnhofstraße",
    "Lindenweg",
    "Am Markt",
    "Goethestraße",
    "Schillerplatz",
    "Birkenallee",
    "Kirchgasse",
    "Gartenstraße",
    "Mühlenweg",
    "Rosenstraße",
    "Am Stadtpark",
    "Friedrich-Ebert-Straße",
    "Talstraße",
    "Wiesenweg",
    "Schulstraße",
)

CASE_COUNT = 50
FIRST_BG_NUMBER = "96201BG0012345"
BG_PREFIX = "96201BG"
FIRST_BG_SERIAL = 12345
FIRST_CUSTOMER_SERIAL = 123456
CUSTOMER_PREFIX = "955D"


@dataclass(frozen=True)
class StaffMember:
    email: str
    first_name: str
    last_name: str
    role: Role
    teams: tuple[str, ...]


STAFF = (
    StaffMember("ben@jobcenter.example", "Ben", "Becker", Role.CASEWORKER, (TEAM_LEISTUNG,)),
    StaffMember("clara@jobcenter.example", "Clara", "Hoffmann", Role.CASEWORKER, (TEAM_MARKT,)),
    StaffMember("deniz@jobcenter.example", "Deniz", "Yıldırım", Role.CASEWORKER, (TEAM_LEISTUNG,)),
    StaffMember(
        "eva@jobcenter.example", "Eva", "Richter", Role.TEAM_LEAD, (TEAM_LEISTUNG, TEAM_MARKT)
    ),
    StaffMember("frank@jobcenter.example", "Frank", "Wagner", Role.MAILROOM, (TEAM_EINGANG,)),
    StaffMember("greta@jobcenter.example", "Greta", "Neumann", Role.ADMIN, ()),
)

# Anna Schmidt's household comes first (the personas of the tests and the README).
ANNA = {
    "first_name": "Anna",
    "last_name": "Schmidt",
    "customer_number": "955D123456",
    "email": "anna@example.org",
}

# Families by origin: (last names, female first names, male first names, portal language).
FAMILIES = (
    (
        (
            "Müller",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Schulz",
            "Koch",
            "Bauer",
            "Richter",
            "Klein",
            "Wolf",
            "Schröder",
            "Neumann",
            "Schwarz",
            "Zimmermann",
            "Braun",
            "Krüger",
            "Hartmann",
            "Lange",
            "Werner",
            "Krause",
            "Lehmann",
        ),
        (
            "Anna",
            "Julia",
            "Sabine",
            "Katrin",
            "Laura",
            "Mia",
            "Emma",
            "Lena",
            "Petra",
            "Monika",
            "Sophie",
            "Hannah",
            "Marie",
            "Nina",
            "Ute",
            "Claudia",
        ),
        (
            "Thomas",
            "Michael",
            "Stefan",
            "Jan",
            "Lukas",
            "Paul",
            "Felix",
            "Jonas",
            "Tim",
            "Andreas",
            "Markus",
            "Uwe",
            "Leon",
            "Finn",
            "Max",
            "Dieter",
        ),
        "de",
    ),
    (
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan"),
        ("Ayşe", "Elif", "Zeynep", "Fatma", "Emine", "Merve", "Defne"),
        ("Mehmet", "Mustafa", "Emre", "Can", "Burak", "Ahmet", "Yusuf"),
        "tr",
    ),
    (
        ("Al-Hassan", "Haddad", "Khalil", "Saleh", "Nasser", "Mansour"),
        ("Fatima", "Layla", "Amira", "Noor", "Rana", "Huda"),
        ("Omar", "Karim", "Yusuf", "Ali", "Samir", "Tarek"),
        "ar",
    ),
    (
        ("Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravets"),
        ("Olena", "Iryna", "Oksana", "Natalia", "Sofiia", "Daryna"),
        ("Andrii", "Oleksandr", "Dmytro", "Serhii", "Taras", "Maksym"),
        "uk",
    ),
    (
        ("Nowak", "Wójcik", "Mazur", "Krawczyk", "Zając", "Kaczmarek"),
        ("Agnieszka", "Magdalena", "Joanna", "Ewa", "Katarzyna"),
        ("Piotr", "Tomasz", "Paweł", "Marek", "Krzysztof"),
        "de",
    ),
    (
        ("Ahmadi", "Hosseini", "Rahimi", "Karimi"),
        ("Maryam", "Zahra", "Shirin", "Parisa"),
        ("Reza", "Hamid", "Arash", "Farid"),
        "fa",
    ),
    (
        ("Okafor", "Mensah", "Diallo", "Haile"),
        ("Grace", "Amina", "Abena", "Selam"),
        ("Emmanuel", "Kwame", "Moussa", "Dawit"),
        "en",
    ),
)
# How often each origin occurs (same order as FAMILIES).
FAMILY_WEIGHTS = (55, 12, 10, 9, 6, 4, 4)

# Households whose head has a portal account (besides Anna's, which always does).
PORTAL_CASES = (2, 4, 7, 10, 13, 17, 21, 26, 33)

# Postbox: letters to Anna (digital, she consented) and to the first other portal customer
# (paper: consent to portal use only). (kind, subject, paragraphs); German (§ 19 SGB X).
# What each letter is about, named in the customer's language in the portal (LetterTopic).
LETTER_TOPICS = {
    "Bewilligungsbescheid Bürgergeld": "approval",
    "Einladung zu einem Gespräch": "invitation",
}
LETTERS: list[tuple[str, str, list[str]]] = [
    (
        "bescheid",
        "Bewilligungsbescheid Bürgergeld",
        [
            "für die Zeit vom 01.01.2027 bis 31.12.2027 bewilligen wir Ihnen und den Mitgliedern "
            "Ihrer Bedarfsgemeinschaft Leistungen zur Sicherung des Lebensunterhalts nach dem "
            "Zweiten Buch Sozialgesetzbuch (SGB II) in Höhe von monatlich 1.412,00 Euro.",
            "Die Berechnung finden Sie in der Anlage.",
            "Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann innerhalb eines Monats nach "
            "Bekanntgabe Widerspruch erhoben werden. Der Widerspruch ist beim Jobcenter "
            "Musterstadt schriftlich, elektronisch oder zur Niederschrift einzulegen.",
        ],
    ),
    (
        "letter",
        "Einladung zu einem Gespräch",
        [
            "wir möchten mit Ihnen über Ihre berufliche Situation sprechen. Bitte kommen Sie am "
            "Dienstag um 10:00 Uhr in das Jobcenter, Raum 214.",
            "Wenn Sie den Termin nicht wahrnehmen können, rufen Sie uns bitte an.",
        ],
    ),
]

# Documents already in the e-file: (document type code, title, text lines).
DOCUMENT_KINDS = (
    ("mietvertrag", "Mietvertrag", ["Mietvertrag", "über Wohnraum", "Kaltmiete: {rent} EUR"]),
    (
        "lohnabrechnung",
        "Lohnabrechnung",
        ["Verdienstabrechnung", "Monat: {month}", "Netto: {income} EUR"],
    ),
    ("kontoauszug", "Kontoauszüge", ["Kontoauszug", "Girokonto", "Kontostand: {balance} EUR"]),
    (
        "meldebescheinigung",
        "Meldebescheinigung",
        ["Meldebescheinigung", "Einwohnermeldeamt Musterstadt"],
    ),
    (
        "nebenkostenabrechnung",
        "Nebenkostenabrechnung",
        ["Nebenkostenabrechnung", "Abrechnungszeitraum {year}", "Nachzahlung: {extra} EUR"],
    ),
    ("personalausweis", "Personalausweis", ["Personalausweis", "Kopie Vorder- und Rückseite"]),
    (
        "kindergeldbescheid",
        "Kindergeldbescheid",
        ["Familienkasse", "Bescheid über Kindergeld", "ab {month}"],
    ),
    ("sonstiges", "Schreiben", ["Schreiben", "Betreff: Rückfrage zum Antrag"]),
)

# Open document requests: (document type code or "", free-text label, note).
REQUEST_ITEMS = (
    ("kontoauszug", "", "Bitte die letzten drei Monate, alle Seiten."),
    ("mietbescheinigung", "", ""),
    ("lohnabrechnung", "", "Für die Monate seit Arbeitsbeginn."),
    ("", "Nachweis über die Kita-Beiträge", ""),
    ("nebenkostenabrechnung", "", ""),
    ("krankenversicherung", "", ""),
    ("schulbescheinigung", "", "Für jedes Kind ab 15 Jahren."),
)
# A request addressed to one member of Anna's household (her daughter Lena), not to all.
MEMBER_REQUEST_ITEM = ("schulbescheinigung", "", "Für das laufende Schuljahr.")

# Messages: Anna's open question to her team, with the answer; Textbausteine of the jobcenter.
MESSAGE = {
    "subject": "Neue Miete ab März",
    "question": (
        "Guten Tag, unsere Miete steigt ab 1. März um 35 Euro. Den Brief des Vermieters "
        "habe ich fotografiert. Muss ich noch etwas tun?"
    ),
    "answer": (
        "Guten Tag Frau Schmidt, vielen Dank für Ihre Nachricht. Bitte senden Sie uns "
        "zusätzlich die neue Nebenkostenaufstellung, dann passen wir die Leistung an."
    ),
}
CANNED_REPLIES = (
    (
        "Eingang bestätigt",
        "Guten Tag, vielen Dank für Ihre Nachricht. Wir haben sie erhalten und melden uns.",
    ),
    (
        "Unterlagen fehlen",
        "Guten Tag, damit wir Ihr Anliegen bearbeiten können, benötigen wir noch folgende "
        "Unterlagen: …",
    ),
)
# Online forms: Anna reported a move and a new bank account (Veränderungsmitteilung); moving
# date relative to the day the demo is created.
CHANGE_NOTICE_MOVE_DAYS_AGO = 12
CHANGE_NOTICE: dict[str, dict[str, object]] = {
    "parts": {"parts": ["move", "bank"]},
    "move": {
        "street": "Lindenallee 7",
        "postal_code": "47051",
        "city": "Musterstadt",
        "rent": "420.00",
        "service_charges": "95.00",
        "heating": "60.00",
    },
    "bank": {"account_holder": "Anna Schmidt", "iban": "DE89 3704 0044 0532 0130 00"},
    "remarks": {"remarks": "Der Mietvertrag folgt, sobald ich ihn unterschrieben zurück habe."},
}
