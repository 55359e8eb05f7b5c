"""The desk speaks German or English only.

Customers pick any of the portal's languages; staff pages exist in German and English. A
staff browser (or a language chosen in the portal) asking for another language gets the
desk in German, never half-translated pages in Arabic and right to left.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import translation

DESK_PREFIX = "/desk/"


class DeskLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info.startswith(DESK_PREFIX):
            language = translation.get_language()
            if language not in settings.DESK_LANGUAGES:
                translation.activate(settings.DESK_LANGUAGES[0])
                request.LANGUAGE_CODE = settings.DESK_LANGUAGES[0]
        return self.get_response(request)
