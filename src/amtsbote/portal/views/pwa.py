"""The installable portal app: web app manifest, service worker, offline page.

- ``manifest`` (``/portal/manifest.webmanifest``): name, icons, colours, scope ``/portal/``,
  in the language asked for (``?lang=``; browsers fetch the manifest without cookies, so the
  page's head names its language in the link).
- ``service_worker`` (``/portal/sw.js``): a small script made here so that it knows the
  static URLs of the app shell it keeps (as the static storage names them, hashed where the
  storage hashes) and a version from their contents: a changed file makes a new worker, which
  replaces the old cache. Its language (``?lang=``, the page's) is the offline page's: the
  browser fetches the script with its own Accept-Language, not the one the portal was
  switched to. The logic itself is the static ``portal/sw-core.js``. The push
  helper's ``portal/sw-push.js`` is imported when it is there.
- ``offline`` (``/portal/offline/``): "You are offline", the page the worker shows for a
  navigation without a connection. It carries nothing personal (no name, no session data):
  it is kept in the browser's cache, on a phone other people may use too.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOUR = "#1a3a6b"  # the favicon's blue
BACKGROUND_COLOUR = "#ffffff"

# The app shell: what the offline page and the outbox need to work without a connection.
# Only files that exist are listed (the push helper's script may be missing).
SHELL_FILES = (
    "kern/kern.min.css",
    # Fira Sans cut by script (scripts/subset_fonts.py); the Latin pieces, ≈ 28 KB a weight.
    "fonts/fira-sans.css",
    "fonts/FiraSans-Regular-latin.woff2",
    "fonts/FiraSans-Medium-latin.woff2",
    "fonts/FiraSans-SemiBold-latin.woff2",
    "fonts/FiraSans-Bold-latin.woff2",
    "amtsbote/amtsbote.css",
    "amtsbote/utilities.css",
    "amtsbote/favicon.svg",
    "htmx/htmx.min.js",
    "portal/portal.css",
    "portal/pwa.css",
    "portal/outbox.js",
    "portal/pwa.js",
    "portal/offline.js",
    "portal/upload.js",
    "portal/icons/icon.svg",
    "portal/icons/icon-192.png",
    "portal/icons/icon-512.png",
    "portal/icons/maskable-512.png",
)
# Scripts the worker runs itself (importScripts), in this order.
WORKER_SCRIPTS = ("portal/outbox.js", "portal/sw-core.js", "portal/sw-push.js")

ICONS = (
    ("portal/icons/icon-192.png", "192x192", "image/png", "any"),
    ("portal/icons/icon-512.png", "512x512", "image/png", "any"),
    ("portal/icons/maskable-512.png", "512x512", "image/png", "maskable"),
    ("portal/icons/icon.svg", "any", "image/svg+xml", "any"),
)


@lru_cache(maxsize=8)
def _existing(paths: tuple[str, ...]) -> tuple[str, ...]:
    """The static files of ``paths`` that exist, looked up once per process: browsers fetch
    the worker script on nearly every portal navigation (it is never cached)."""
    return tuple(path for path in paths if finders.find(path))


@lru_cache(maxsize=1)
def _shell_version(paths: tuple[str, ...]) -> str:
    """A short digest of the shell's and the worker's files: it changes when one changes."""
    digest = hashlib.sha256()
    for path in paths:
        found = finders.find(path)
        if not found:
            continue
        digest.update(path.encode())
        with open(str(found), "rb") as handle:
            digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()[:16]


def _language(request: HttpRequest) -> str:
    """The language asked for with ``?lang=`` if it is one of ours, else the current one."""
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language() or settings.LANGUAGE_CODE


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    with translation.override(language):
        start = reverse("portal:home")
        data = {
            "id": start,
            "name": _("Amtsbote – your jobcenter portal"),
            "short_name": _("Amtsbote"),
            "description": _("Send documents to your jobcenter, read its letters and write to it."),
            "lang": translation.get_language_info(language)["code"],
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
            "start_url": start,
            "scope": start,
            "display": "standalone",
            "orientation": "any",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "categories": ["government", "utilities"],
            "icons": [
                {"src": static(path), "sizes": sizes, "type": mime, "purpose": purpose}
                for path, sizes, mime, purpose in ICONS
                if finders.find(path)
            ],
        }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    response["Content-Language"] = language
    return response


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = _existing(SHELL_FILES)
    scripts = _existing(WORKER_SCRIPTS)
    version = _shell_version(shell + scripts)
    config = {
        "version": version,
        "scope": reverse("portal:home"),
        "offline": reverse("portal:offline"),
        "language": _language(request),
        "precache": [static(path) for path in shell],
        "staticPrefix": settings.STATIC_URL,
    }
    body = (
        "/* Amtsbote portal service worker (made by portal.views.pwa; logic: sw-core.js). */\n"
        f"self.AMTSBOTE_SW = {json.dumps(config, indent=2)};\n"
        + "".join(f"importScripts({json.dumps(static(path))});\n" for path in scripts)
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("portal:home")
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """The offline page in the language asked for; the same for everyone, signed in or not."""
    language = _language(request)
    with translation.override(language):
        response = render(
            request,
            "portal/offline.html",
            {"home_url": reverse("portal:home"), "theme_colour": THEME_COLOUR},
        )
    response["Cache-Control"] = "no-cache"
    response["Content-Language"] = language
    return response
