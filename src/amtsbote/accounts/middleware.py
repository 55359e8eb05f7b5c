"""Login rules for staff that no view can forget (docs/login.md).

``StaffIdleTimeoutMiddleware`` ends a staff session after ``STAFF_IDLE_MINUTES`` without a
request; ``StaffSecondFactorMiddleware`` keeps a staff session without a proved second factor
on the set-up (or confirm) pages of allauth.mfa. Both act on every path except the sign-in
and second-factor pages, static files, the language switch and the health check, so a new
desk or API view is covered without anyone remembering. Customers pass through untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from . import login_policy

GetResponse = Callable[[HttpRequest], HttpResponseBase]

# Counted as activity at most once a minute, so that a session is not written on every request.
_TOUCH_EVERY_SECONDS = 60


def _open_paths() -> tuple[str, ...]:
    """What a staff session without its second factor may still open: signing in and out,
    confirming the password or factor, setting a factor up (``/accounts/2fa/…``), the
    session list, single sign-on. Not e-mail or password changes."""
    accounts = reverse("account_login").removesuffix("login/")
    return (
        reverse("account_login"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        reverse("mfa_index"),
        reverse("usersessions_list"),
        accounts + "oidc/",
        settings.STATIC_URL,
        reverse("set_language").rsplit("/", 2)[0] + "/",
        reverse("healthz"),
        "/favicon.ico",
    )


def _is_open(request: HttpRequest) -> bool:
    return request.path_info.startswith(_open_paths())


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _redirect(request: HttpRequest, url: str) -> HttpResponseBase:
    """A redirect that htmx follows as a full page load instead of swapping it into a fragment."""
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _with_next(url: str, request: HttpRequest) -> str:
    if request.method != "GET" or _is_htmx(request):
        return url
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


class StaffIdleTimeoutMiddleware:
    """Sign staff out after ``STAFF_IDLE_MINUTES`` without a request of their own.

    htmx GET requests (the inbox and message lists poll every few seconds) do not count as
    activity, or an open desk tab would never time out; they are refused once the time is up.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        minutes = settings.STAFF_IDLE_MINUTES
        if minutes > 0 and login_policy.needs_strong_login(user):
            idle = login_policy.idle_seconds(request)
            if idle is not None and idle > minutes * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity.")
                    % {"minutes": minutes},
                )
                return _redirect(request, _with_next(reverse("account_login"), request))
            background = _is_htmx(request) and request.method == "GET"
            if idle is None or (not background and idle >= _TOUCH_EVERY_SECONDS):
                login_policy.touch(request)
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """Staff without a second factor proved in this session get no further than setting one
    up (no factor yet) or confirming it (a factor exists but this session did not use it)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if (
            settings.STAFF_SECOND_FACTOR_REQUIRED
            and login_policy.needs_strong_login(user)
            and not _is_open(request)
            and not login_policy.session_is_strong(request, user)
        ):
            if login_policy.has_second_factor(user):
                url = _with_next(reverse(_confirm_view(user)), request)
            else:
                url = reverse("mfa_index")
            return _redirect(request, url)
        return self.get_response(request)


def _confirm_view(user: object) -> str:
    from allauth.mfa.models import Authenticator

    has_totp = Authenticator.objects.filter(
        user_id=getattr(user, "pk", None), type=Authenticator.Type.TOTP
    ).exists()
    return "mfa_reauthenticate" if has_totp else "mfa_reauthenticate_webauthn"
