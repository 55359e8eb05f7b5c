"""Households of a fictional jobcenter: German and international names, addresses, numbers."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

FIRST_NAMES = {
    "de": [
        ("Anna", "f"),
        ("Lena", "f"),
        ("Sabine", "f"),
        ("Claudia", "f"),
        ("Monika", "f"),
        ("Jana", "f"),
        ("Katrin", "f"),
        ("Petra", "f"),
        ("Sophie", "f"),
        ("Marie", "f"),
        ("Thomas", "m"),
        ("Michael", "m"),
        ("Stefan", "m"),
        ("Jürgen", "m"),
        ("Uwe", "m"),
        ("Dirk", "m"),
        ("Sebastian", "m"),
        ("Lukas", "m"),
        ("Jonas", "m"),
        ("Björn", "m"),
    ],
    "tr": [
        ("Ayşe", "f"),
        ("Elif", "f"),
        ("Zeynep", "f"),
        ("Emine", "f"),
        ("Mehmet", "m"),
        ("Mustafa", "m"),
        ("Emre", "m"),
        ("Hüseyin", "m"),
    ],
    "ar": [
        ("Fatima", "f"),
        ("Aisha", "f"),
        ("Rania", "f"),
        ("Layla", "f"),
        ("Mohammed", "m"),
        ("Ahmad", "m"),
        ("Omar", "m"),
        ("Khaled", "m"),
    ],
    "ua": [
        ("Olena", "f"),
        ("Iryna", "f"),
        ("Natalia", "f"),
        ("Oksana", "f"),
        ("Oleksandr", "m"),
        ("Andrii", "m"),
        ("Serhii", "m"),
        ("Dmytro", "m"),
    ],
    "af": [
        ("Mariam", "f"),
        ("Zahra", "f"),
        ("Ahmad", "m"),
        ("Hamid", "m"),
        ("Farid", "m"),
    ],
    "pl": [("Agnieszka", "f"), ("Katarzyna", "f"), ("Piotr", "m"), ("Tomasz", "m")],
    "ro": [("Ioana", "f"), ("Elena", "f"), ("Andrei", "m"), ("Mihai", "m")],
}
LAST_NAMES = {
    "de": [
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Hoffmann",
        "Schäfer",
        "Koch",
        "Bauer",
        "Richter",
        "Klein",
        "Wolf",
        "Schröder",
        "Neumann",
        "Zimmermann",
        "Braun",
        "Krüger",
        "Hofmann",
        "Hartmann",
        "Lange",
        "Schmitt",
        "Werner",
        "Krause",
        "Lehmann",
        "Köhler",
        "Maier",
        "Kühn",
        "Müller-Lüdenscheidt",
        "Graf von Bergen",
    ],
    "tr": ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan"],
    "ar": ["Al-Hassan", "Haddad", "Khalil", "Mansour", "Al Masri", "Abdullah", "Nasser"],
    "ua": ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk"],
    "af": ["Ahmadi", "Rahimi", "Karimi", "Hashimi", "Popal"],
    "pl": ["Kowalski", "Nowak", "Wiśniewski", "Wójcik"],
    "ro": ["Popescu", "Ionescu", "Stan", "Dumitru"],
}
ORIGIN_WEIGHTS = {"de": 45, "tr": 12, "ar": 12, "ua": 12, "af": 8, "pl": 6, "ro": 5}
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Schillerstraße",
    "Goethestraße",
    "Lindenweg",
    "Am Markt",
    "Kirchgasse",
    "Gartenstraße",
    "Mühlenweg",
    "Friedrich-Ebert-Straße",
    "Berliner Allee",
    "Rosenstraße",
    "Waldstraße",
    "Ringstraße",
    "Talstraße",
    "Beethovenplatz",
    "Industriestraße",
    "Am Sonnenhang",
    "Dorfstraße",
    "Kastanienallee",
]
CITIES = [
    ("44135", "Dortmund"),
    ("44137", "Dortmund"),
    ("44139", "Dortmund"),
    ("44147", "Dortmund"),
    ("58452", "Witten"),
    ("58453", "Witten"),
    ("44575", "Castrop-Rauxel"),
    ("59174", "Kamen"),
]

JOBCENTER_PREFIX = "96201"


@dataclass
class Member:
    customer_number: str
    first_name: str
    last_name: str
    birth_date: dt.date
    sex: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Household:
    bg_number: str
    street: str
    postcode: str
    city: str
    members: list[Member] = field(default_factory=list)

    @property
    def head(self) -> Member:
        return self.members[0]


def _date(rng: random.Random, start_year: int, end_year: int) -> dt.date:
    start = dt.date(start_year, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, dt.date(end_year, 12, 28).toordinal()))


def make_households(rng: random.Random, count: int) -> list[Household]:
    origins = list(ORIGIN_WEIGHTS)
    weights = list(ORIGIN_WEIGHTS.values())
    households: list[Household] = []
    bg_used: set[str] = set()
    kd_used: set[str] = set()
    for _ in range(count):
        while True:
            bg = f"{JOBCENTER_PREFIX}BG{rng.randint(1, 9_999_999):07d}"
            if bg not in bg_used:
                bg_used.add(bg)
                break
        postcode, city = rng.choice(CITIES)
        street = f"{rng.choice(STREETS)} {rng.randint(1, 140)}{rng.choice(['', '', '', 'a', 'b'])}"
        household = Household(bg_number=bg, street=street, postcode=postcode, city=city)
        origin = rng.choices(origins, weights)[0]
        last = rng.choice(LAST_NAMES[origin])
        size = rng.choices([1, 2, 3, 4], [40, 25, 20, 15])[0]
        for i in range(size):
            while True:
                kd = f"{rng.randint(100, 999)}D{rng.randint(0, 999_999):06d}"
                if kd not in kd_used:
                    kd_used.add(kd)
                    break
            first, sex = rng.choice(FIRST_NAMES[origin])
            if i == 0:
                birth = _date(rng, 1958, 2003)
            elif i == 1 and size > 1 and rng.random() < 0.7:
                birth = _date(rng, 1960, 2002)  # partner
            else:
                birth = _date(rng, 2006, 2023)  # child
            member_last = last if i == 0 or rng.random() < 0.85 else rng.choice(LAST_NAMES[origin])
            household.members.append(Member(kd, first, member_last, birth, sex))
        households.append(household)
    return households


def stranger(rng: random.Random) -> Member:
    """Somebody who is not a customer of this jobcenter."""
    first, sex = rng.choice(FIRST_NAMES["de"])
    return Member(
        "",
        first,
        rng.choice(["Vogelsang", "Brinkmann", "Liebig", "Sauerland"]),
        _date(rng, 1950, 2000),
        sex,
    )


def unknown_bg_number(rng: random.Random, used: set[str]) -> str:
    """A BG-Nummer that belongs to no case (and is not one digit away from one)."""
    while True:
        bg = f"{JOBCENTER_PREFIX}BG{rng.randint(1, 9_999_999):07d}"
        if all(sum(a != b for a, b in zip(bg, other, strict=True)) > 2 for other in used):
            return bg
