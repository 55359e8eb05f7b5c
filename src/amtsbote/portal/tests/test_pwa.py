"""The installable portal app: manifest, service worker script, offline page, head tags."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from amtsbote.portal.views import pwa

pytestmark = pytest.mark.django_db


def _worker_config(body: str) -> dict:
    match = re.search(r"self\.AMTSBOTE_SW = (\{.*?\});\n", body, re.S)
    assert match, body[:500]
    return json.loads(match.group(1))


def test_the_manifest_describes_the_portal_app(client):
    response = client.get(reverse("portal:manifest"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["start_url"] == data["scope"] == "/portal/"
    assert data["display"] == "standalone"
    assert data["lang"] == "de"
    assert data["dir"] == "ltr"
    assert data["short_name"] == "Amtsbote"
    assert data["theme_color"] == "#1a3a6b"
    assert data["background_color"] == "#ffffff"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def _in(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


@pytest.mark.parametrize(
    ("language", "direction"),
    [("de", "ltr"), ("de-ls", "ltr"), ("en", "ltr"), ("uk", "ltr"), ("ar", "rtl"), ("fa", "rtl")],
)
def test_the_manifest_speaks_the_language_of_the_page(client, language, direction):
    data = client.get(reverse("portal:manifest"), {"lang": language}).json()
    assert data["lang"] == language
    assert data["dir"] == direction
    assert data["name"] == _in(language, "Amtsbote – your jobcenter portal")
    assert data["description"] == _in(
        language, "Send documents to your jobcenter, read its letters and write to it."
    )


def test_an_unknown_language_falls_back_to_german(client):
    data = client.get(reverse("portal:manifest"), {"lang": "xx"}).json()
    assert data["lang"] == "de"


@pytest.mark.parametrize(("name", "size"), [("icon-192", 192), ("icon-512", 512)])
def test_the_icons_are_real_pngs_of_their_size(name, size):
    path = finders.find(f"portal/icons/{name}.png")
    assert path
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (size, size)


def test_the_maskable_icon_fills_its_square():
    """A maskable icon has no transparent corners: the launcher cuts its own shape."""
    with Image.open(finders.find("portal/icons/maskable-512.png")) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (512, 512)
        for corner in [(0, 0), (511, 0), (0, 511), (511, 511)]:
            assert rgb.getpixel(corner) == (0x1A, 0x3A, 0x6B)


def test_the_service_worker_script(client):
    response = client.get(reverse("portal:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"]
    assert response["Service-Worker-Allowed"] == "/portal/"
    body = response.content.decode()
    config = _worker_config(body)
    assert config["scope"] == "/portal/"
    assert config["offline"] == reverse("portal:offline")
    assert re.fullmatch(r"[0-9a-f]{16}", config["version"])
    # The app shell: every listed file exists and is served.
    assert "/static/portal/outbox.js" in config["precache"]
    assert "/static/kern/kern.min.css" in config["precache"]
    for url in config["precache"]:
        assert client.get(url).status_code == 200, url
    imports = re.findall(r'importScripts\("([^"]+)"\);', body)
    assert imports[:2] == ["/static/portal/outbox.js", "/static/portal/sw-core.js"]
    if finders.find("portal/sw-push.js"):
        assert imports[2:] == ["/static/portal/sw-push.js"]


def test_the_worker_speaks_the_language_of_the_page_that_registered_it(client):
    """The page names its language in the script's address; the browser's own Accept-Language
    (a phone set to English, a portal switched to Ukrainian) does not decide."""
    url = reverse("portal:service_worker")
    asked = client.get(url, {"lang": "uk"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _worker_config(asked.content.decode())["language"] == "uk"
    unknown = client.get(url, {"lang": "xx"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _worker_config(unknown.content.decode())["language"] == "en"


def test_the_worker_lists_only_files_that_exist(client, monkeypatch):
    monkeypatch.setattr(pwa, "SHELL_FILES", (*pwa.SHELL_FILES, "portal/not-there.css"))
    monkeypatch.setattr(pwa, "WORKER_SCRIPTS", (*pwa.WORKER_SCRIPTS, "portal/not-there.js"))
    pwa._shell_version.cache_clear()
    body = client.get(reverse("portal:service_worker")).content.decode()
    assert "not-there" not in body


def test_a_changed_shell_file_makes_a_new_version(settings, tmp_path, client):
    """The version is a digest of the files' contents: the browser installs the new worker."""
    folder = tmp_path / "extra"
    (folder / "portal").mkdir(parents=True)
    changed = folder / "portal" / "pwa.css"
    changed.write_text("/* one */")
    settings.STATICFILES_DIRS = [str(folder), *settings.STATICFILES_DIRS]
    finders.get_finder.cache_clear()
    try:
        pwa._shell_version.cache_clear()
        first = _worker_config(client.get(reverse("portal:service_worker")).content.decode())
        changed.write_text("/* two */")
        pwa._shell_version.cache_clear()
        second = _worker_config(client.get(reverse("portal:service_worker")).content.decode())
    finally:
        finders.get_finder.cache_clear()
        pwa._shell_version.cache_clear()
    assert first["version"] != second["version"]
    assert first["precache"] == second["precache"]


@pytest.mark.parametrize(("language", "html_lang"), [("de", "de"), ("en", "en"), ("ar", "ar")])
def test_the_offline_page(client, language, html_lang):
    response = client.get(reverse("portal:offline"), {"lang": language})
    assert response.status_code == 200
    assert response["Content-Language"] == language
    html = response.content.decode()
    assert f'<h1 class="kern-heading-large">{_in(language, "You are offline")}</h1>' in html
    assert f'<html lang="{html_lang}"' in html


def test_the_offline_page_has_nothing_personal(customer_anna):
    """It is kept in the browser's cache on a phone others may use."""
    client = Client()
    client.force_login(customer_anna)
    html = client.get(reverse("portal:offline")).content.decode()
    assert "Anna" not in html and "anna@example.org" not in html
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    assert "<script>" not in html  # the policy allows no inline script


def test_portal_pages_link_the_manifest_and_the_worker(customer_anna):
    client = Client()
    client.force_login(customer_anna)
    html = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<link rel="manifest" href="/portal/manifest.webmanifest?lang=' in html
    assert 'src="/static/portal/pwa.js" defer' in html
    assert 'data-sw="/portal/sw.js?lang=en"' in html
    assert 'data-scope="/portal/"' in html


def test_the_desk_is_not_the_app(client, caseworker_ben):
    client.force_login(caseworker_ben)
    html = client.get("/desk/").content.decode()
    assert 'rel="manifest"' not in html
    assert "portal/pwa.js" not in html


def test_the_upload_page_names_whose_sends_the_phone_keeps(anna_client, doc_request):
    pattern = re.compile(r'<meta name="amtsbote-outbox-owner" content="([0-9a-f]{24})">')
    page = anna_client.get(reverse("portal:request", args=[doc_request.uuid])).content.decode()
    match = pattern.search(page)
    assert match
    again = anna_client.get(reverse("portal:request", args=[doc_request.uuid])).content.decode()
    assert pattern.search(again).group(1) == match.group(1)
