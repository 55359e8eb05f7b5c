"""The desk is German or English; other languages a browser asks for give German."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTML = re.compile(r'<html lang="([^"]+)" dir="([^"]+)"')


@pytest.mark.parametrize(
    ("asked", "lang", "word"),
    [
        ("de", "de", "Posteingang"),
        ("en", "en", "Inbox"),
        ("ar", "de", "Posteingang"),
        ("uk", "de", "Posteingang"),
        ("de-ls", "de", "Posteingang"),
    ],
)
def test_desk_language(client, caseworker_ben, asked, lang, word):
    client.force_login(caseworker_ben)
    client.cookies["django_language"] = asked
    page = client.get(reverse("desk:inbox"), HTTP_ACCEPT_LANGUAGE=asked)
    assert page.status_code == 200
    assert HTML.search(page.content.decode()).groups() == (lang, "ltr")
    assert word in page.content.decode()


def test_staff_switch_to_english_and_back(client, caseworker_ben):
    client.force_login(caseworker_ben)
    inbox = reverse("desk:inbox")
    client.post(reverse("portal:language"), {"language": "en", "next": inbox})
    assert "Inbox" in client.get(inbox).content.decode()
    caseworker_ben.refresh_from_db()
    assert caseworker_ben.language == "en"
    client.post(reverse("portal:language"), {"language": "de", "next": inbox})
    assert "Posteingang" in client.get(inbox).content.decode()
