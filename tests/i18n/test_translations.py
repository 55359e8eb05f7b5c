"""Every msgid in the code is translated in every shipped language (tests/i18n/catalogs.py).

The catalogues are extracted afresh from the sources (Django's makemessages on a copy of the
package), so a string added to a template or to Python code without a translation fails here
even when nobody ran makemessages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

from .catalogs import LOCALE, LOCALES, SOURCE, missing


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory) -> dict[str, polib.POFile]:
    copy = tmp_path_factory.mktemp("i18n") / "amtsbote"
    shutil.copytree(
        SOURCE,
        copy,
        ignore=shutil.ignore_patterns("*.mo", "__pycache__", "tests", "migrations"),
    )
    cwd = Path.cwd()
    try:
        os.chdir(copy)
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command(
                "makemessages",
                locale=list(LOCALES),
                no_obsolete=True,
                verbosity=0,
            )
    finally:
        os.chdir(cwd)
    return {
        loc: polib.pofile(str(copy / "locale" / loc / "LC_MESSAGES" / "django.po"))
        for loc in LOCALES
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_every_msgid_is_translated(fresh_catalogs, locale):
    gaps = missing(fresh_catalogs[locale], locale)
    assert not gaps, f"{len(gaps)} strings lack a {locale} translation:\n" + "\n".join(
        str(gap) for gap in gaps[:40]
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_committed_catalog_is_current(fresh_catalogs, locale):
    """The committed .po holds every msgid of the code (run makemessages when this fails)."""
    committed = polib.pofile(str(LOCALE / locale / "LC_MESSAGES" / "django.po"))
    have = {(e.msgctxt, e.msgid) for e in committed if not e.obsolete}
    need = {(e.msgctxt, e.msgid) for e in fresh_catalogs[locale] if not e.obsolete}
    assert not need - have, sorted(str(m) for _c, m in need - have)[:40]


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_compiles_cleanly(locale):
    """msgfmt --check: placeholders of the msgid (python-format) survive in the translation."""
    po = LOCALE / locale / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_staff_only_strings_are_the_desk_apps():
    """The exemption is narrow: a string shown in the portal is never staff-only."""
    from .catalogs import STAFF_ONLY, required

    entry = polib.POEntry(
        msgid="x", occurrences=[("desk/views.py", "1"), ("portal/templates/portal/home.html", "2")]
    )
    assert required(entry, "uk")
    entry = polib.POEntry(msgid="x", occurrences=[(STAFF_ONLY[0] + "views.py", "1")])
    assert not required(entry, "uk") and required(entry, "de")
