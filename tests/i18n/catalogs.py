"""Which msgids each shipped language must translate.

The msgids are English. Every language but English needs every string a customer can meet;
the desk (staff) is offered in German and English only, so strings used nowhere but in the
staff-only apps need German alone. Leichte Sprache (de_LS) says the main pages and the help in
plain words; every other string falls back to German, which is complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polib

SOURCE = Path(__file__).resolve().parents[2] / "src" / "amtsbote"
LOCALE = SOURCE / "locale"

# Locale directories of the shipped languages (English is the msgids themselves).
LOCALES = ("de", "de_LS", "uk", "ar", "tr", "ru", "fa")
# Apps whose pages only staff see (paths relative to src/amtsbote, as in the .po files).
STAFF_ONLY = ("desk/", "intake/", "records/", "integrations/", "api/")
# The pages Leichte Sprache covers: start, sign-in and activation, to-dos and upload,
# postbox, the explanation of the start page, the help and the accessibility statement.
LEICHTE_SPRACHE = (
    "templates/base.html",
    "templates/components/language_switcher.html",
    "templates/account/login.html",
    "templates/account/signup.html",
    "portal/templates/portal/layout.html",
    "portal/templates/portal/home.html",
    "portal/templates/portal/activate.html",
    "portal/templates/portal/request.html",
    "portal/templates/portal/documents.html",
    "portal/templates/portal/postbox.html",
    "portal/templates/portal/help.html",
    "portal/templates/portal/easy.html",
    "portal/templates/portal/accessibility.html",
)


@dataclass(frozen=True)
class Missing:
    locale: str
    msgid: str
    where: str

    def __str__(self) -> str:
        return f"{self.locale}: {self.msgid!r} ({self.where})"


def required(entry: polib.POEntry, locale: str) -> bool:
    files = [path for path, _line in entry.occurrences]
    if locale == "de":
        return True
    if locale == "de_LS":
        return any(path in LEICHTE_SPRACHE for path in files)
    return any(not path.startswith(STAFF_ONLY) for path in files)


def translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def missing(catalog: polib.POFile, locale: str) -> list[Missing]:
    return [
        Missing(locale, entry.msgid, entry.occurrences[0][0] if entry.occurrences else "?")
        for entry in catalog
        if not entry.obsolete and required(entry, locale) and not translated(entry)
    ]
