"""Reading identifiers out of OCR text: case numbers, dates, name tokens.

Pure functions, no database: ``identify.py`` combines them with the cases of a jobcenter.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

# What OCR (and handwriting) makes of digits. Only used in digit positions.
TO_DIGIT = {
    "O": "0", "o": "0", "Q": "0", "D": "0", "U": "0",
    "I": "1", "l": "1", "|": "1", "i": "1", "!": "1", "L": "1", "]": "1", "[": "1",
    "Z": "2", "z": "2",
    "S": "5", "s": "5", "$": "5",
    "G": "6", "b": "6",
    "T": "7",
    "B": "8",
    "g": "9", "q": "9",
}  # fmt: skip
_DIGIT = "[0-9" + re.escape("".join(TO_DIGIT)) + "]"
_SEP = r"[ \t\-./_,:]{0,2}"  # spaces, dashes, dots inside a number
_B = "[B8bß]"
_G = "[G6gC]"
_D = "[DdOo0]"


def _spaced(parts: list[str]) -> str:
    return _SEP.join(parts)


# 5 digits + BG + 7 digits; 3 digits + D + 6 digits. Lookahead so overlapping reads are found.
BG_RE = re.compile(r"(?<![0-9])(?=(" + _spaced([_DIGIT] * 5 + [_B, _G] + [_DIGIT] * 7) + r"))")
KD_RE = re.compile(r"(?<![0-9])(?=(" + _spaced([_DIGIT] * 3 + [_D] + [_DIGIT] * 6) + r"))")
_KD_LABEL = re.compile(r"(kund|kd|kunden)[\w.\-]*\s*[:.]?\s*$", re.IGNORECASE)
_BG_LABEL = re.compile(r"(bg|bedarfsgemeinschaft|zeichen|aktenzeichen)[\w.\-]*\s*[:.]?\s*$",
                       re.IGNORECASE)  # fmt: skip
_STRIP = re.compile(r"[ \t\-./_,:]")


@dataclass(frozen=True)
class NumberRead:
    number: str  # normalised: 96201BG0012345 / 955D123456
    kind: str  # "bg" | "kundennummer"
    labelled: bool  # a label such as "BG-Nr." or "Kundennummer" stands right before it
    exact: bool  # read as printed, without correcting any OCR confusion


def _to_digits(chars: str) -> str:
    return "".join(TO_DIGIT.get(char, char) for char in chars)


def find_numbers(text: str) -> list[NumberRead]:
    """Every BG-Nummer and Kundennummer in ``text``, normalised, in order of appearance.

    A Kundennummer whose letter D was read as the digit 0 is only taken when labelled
    (a bare run of ten digits is too often an IBAN or phone number).
    """
    found: dict[str, NumberRead] = {}
    for match in BG_RE.finditer(text):
        raw = _STRIP.sub("", match.group(1))
        number = _to_digits(raw[:5]) + "BG" + _to_digits(raw[7:])
        if not number[:5].isdigit() or not number[7:].isdigit():
            continue
        labelled = bool(_BG_LABEL.search(text[max(0, match.start() - 40) : match.start()]))
        read = NumberRead(number, "bg", labelled, raw == number)
        found.setdefault(number, read)
        if labelled and not found[number].labelled:
            found[number] = read
    for match in KD_RE.finditer(text):
        raw = _STRIP.sub("", match.group(1))
        number = _to_digits(raw[:3]) + "D" + _to_digits(raw[4:])
        if not number[:3].isdigit() or not number[4:].isdigit():
            continue
        labelled = bool(_KD_LABEL.search(text[max(0, match.start() - 40) : match.start()]))
        if raw[3] == "0" and not labelled:
            continue
        read = NumberRead(number, "kundennummer", labelled, raw == number)
        if number not in found or (labelled and not found[number].labelled):
            found[number] = read
    return list(found.values())


def near_variants(number: str) -> set[str]:
    """Numbers one digit away from ``number``: only ever used for suggestions."""
    variants = set()
    for index, char in enumerate(number):
        if char.isdigit():
            for digit in "0123456789":
                if digit != char:
                    variants.add(number[:index] + digit + number[index + 1 :])
    return variants


MONTHS = {
    "jan": 1, "januar": 1, "jänner": 1, "feb": 2, "februar": 2, "mär": 3, "märz": 3,
    "maerz": 3, "mrz": 3, "apr": 4, "april": 4, "mai": 5, "jun": 6, "juni": 6, "jul": 7,
    "juli": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "okt": 10,
    "oktober": 10, "nov": 11, "november": 11, "dez": 12, "dezember": 12,
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s?[./-]\s?(\d{1,2})\s?[./-]\s?(\d{4}|\d{2})(?!\d)")
_WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})\.?\s*([A-Za-zäÄ]{3,9})\.?\s*(\d{4})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> set[dt.date]:
    """Dates in German notations: 03.02.1985, 3.2.85, 3. Februar 1985, 1985-02-03."""
    dates: set[dt.date | None] = set()
    for day, month, year in _NUMERIC_DATE.findall(text):
        if len(year) == 2:  # 85 may be 1985 or 2085: keep both, a birth date decides
            dates.add(_date(1900 + int(year), int(month), int(day)))
            dates.add(_date(2000 + int(year), int(month), int(day)))
        else:
            dates.add(_date(int(year), int(month), int(day)))
    for day, word, year in _WORD_DATE.findall(text):
        month = MONTHS.get(word.lower())
        if month:
            dates.add(_date(int(year), month, int(day)))
    for year, month, day in _ISO_DATE.findall(text):
        dates.add(_date(int(year), int(month), int(day)))
    return {date for date in dates if date is not None}


_FOLD = str.maketrans({"ß": "ss", "ı": "i", "ł": "l", "ø": "o", "đ": "d"})


def fold(text: str) -> str:
    """Lower case without accents: 'Yılmaz' and 'YILMAZ' and 'Yilmaz' compare equal."""
    text = text.translate(_FOLD).casefold().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if not unicodedata.combining(char))


WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def name_tokens(text: str, *, limit: int = 3000) -> set[str]:
    """Spellings of possible last names in ``text`` for an exact ``last_name__in`` prefilter:
    each capitalised word and runs of two or three words (``Al Masri``, ``Graf von Bergen``),
    as written and in title case (letters often print ``SCHMIDT``)."""
    tokens: set[str] = set()
    found = words(text)
    for index, word in enumerate(found):
        if len(word) < 2:
            continue
        for size in (1, 2, 3):
            gram = " ".join(found[index : index + size])
            if size > 1 and index + size > len(found):
                break
            tokens.add(gram)
            tokens.add(gram.title() if not gram.istitle() else gram)
            if "-" in gram:
                tokens.add("-".join(part.capitalize() for part in gram.split("-")))
        if len(tokens) > limit:
            break
    return tokens


POSTCODE_RE = re.compile(r"(?<!\d)(\d{5})(?!\d)")


def street_key(street: str) -> tuple[str, str]:
    """('hauptstr', '12a') from 'Hauptstraße 12a'; the name part folded, 'straße' shortened."""
    folded = fold(street)
    match = re.match(r"^(.*?)[\s,]*(\d+\s?[a-z]?)?\s*$", folded)
    name, number = (match.group(1), match.group(2) or "") if match else (folded, "")
    name = re.sub(r"(strasse|str\.?)\b", "str", name)
    return re.sub(r"[\s\-.]+", "", name), number.replace(" ", "")


def normalise_for_streets(text: str) -> str:
    """Folded text without spaces, dashes and dots, 'straße'/'str.' shortened to 'str', so
    that ``street_key`` parts can be searched in it."""
    folded = re.sub(r"(strasse|str\.?)(?=[\s\d,]|$)", "str", fold(text))
    return re.sub(r"[\s\-.]+", "", folded)
