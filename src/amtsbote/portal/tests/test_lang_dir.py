"""Every page of the catalogue (tests/e2e/pages.py), in every language, says its language and
writing direction on <html>: lang="de-x-ls" for Leichte Sprache, dir="rtl" for Arabic and
Farsi, dir="ltr" otherwise. And every portal URL is catalogued or excluded with a reason."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from tests.e2e.pages import EXCLUDED, account_url_names, portal_url_names, world_build

pytestmark = pytest.mark.django_db

HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
EXPECTED = {
    "de": ("de", "ltr"),
    "de-ls": ("de-x-ls", "ltr"),
    "en": ("en", "ltr"),
    "uk": ("uk", "ltr"),
    "ar": ("ar", "rtl"),
    "tr": ("tr", "ltr"),
    "ru": ("ru", "ltr"),
    "fa": ("fa", "rtl"),
}


@pytest.fixture
def world(customer_anna, caseworker_ben, case_anna):
    return world_build(anna=customer_anna, ben=caseworker_ben, case=case_anna)


def test_every_language_has_an_expectation():
    assert {code for code, _name in settings.LANGUAGES} == set(EXPECTED)


def test_every_page_is_catalogued(world):
    catalogued = {page.name for page in world.pages}
    missing = (portal_url_names() | account_url_names()) - catalogued - EXCLUDED.keys()
    assert not missing, (
        f"Pages neither in the catalogue nor excluded: {sorted(missing)}. Add them to "
        "world_build() in tests/e2e/pages.py (or to EXCLUDED with a reason)."
    )
    stale = EXCLUDED.keys() - portal_url_names() - account_url_names()
    assert not stale, f"EXCLUDED names that no longer exist: {sorted(stale)}"


def test_every_page_sets_lang_and_dir(world):
    wrong = []
    for page in world.pages:
        client = world.visitors[page.visitor]
        for code, (lang, direction) in EXPECTED.items():
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
            response = client.get(page.path, follow=True)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                wrong.append(f"{page.id} {code}: HTTP {response.status_code}")
                continue
            tag = HTML_TAG.search(response.content.decode())
            attrs = tag.group(0) if tag else "(no <html> tag)"
            if f'lang="{lang}"' not in attrs or f'dir="{direction}"' not in attrs:
                wrong.append(f"{page.id} {code}: {attrs}")
    assert not wrong, "\n".join(wrong)


def test_the_catalogue_lands_on_the_pages_it_names(world):
    """A page that redirects elsewhere (login, a missing object) would check the wrong page."""
    redirected = []
    for page in world.pages:
        response = world.visitors[page.visitor].get(page.path)
        if response.status_code != 200 and page.name != "account_reset_password_from_key":
            redirected.append(f"{page.id}: HTTP {response.status_code} {response.get('Location')}")
    assert not redirected, "\n".join(redirected)
