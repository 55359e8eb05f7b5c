"""Help, the start page in Leichte Sprache, the accessibility statement and its feedback form.

All three pages are open without an account: the statement must be reachable for everyone
(BITV 2.0 § 7), and help is most needed before the first sign-in.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from amtsbote.core.accessibility import (
    accessibility_feedback_count,
    accessibility_feedback_create,
)
from amtsbote.core.exceptions import ValidationFailed

from ..forms_help import AccessibilityFeedbackForm

# Where a person can turn when the feedback brings no solution (§ 16 BGG). Jobcenters run by
# their district alone (zkT) fall under the law of their Land and configure its body instead.
ARBITRATION_DEFAULT = {
    "name": (
        "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz bei dem Beauftragten "
        "der Bundesregierung für die Belange von Menschen mit Behinderungen"
    ),
    "address": "Mauerstraße 53\n10117 Berlin",
    "phone": "+49 30 18 527-2805",
    "email": "info@schlichtungsstelle-bgg.de",
    "url": "https://www.schlichtungsstelle-bgg.de",
}
STATEMENT_DATE_DEFAULT = "2026-11-22"


def help_page(request: HttpRequest) -> HttpResponse:
    # The day a decision counts as received is only a fixed count of days under § 37 Abs. 2a
    # SGB X; the VwVfG policy counts from the retrieval (docs/postbox.md).
    sgb_x = getattr(settings, "POSTBOX_POLICY", "sgb_x") == "sgb_x"
    return render(
        request,
        "portal/help.html",
        {
            "contact": _contact(request),
            "postbox_days": getattr(settings, "POSTBOX_BEKANNTGABE_DAYS", 4) if sgb_x else None,
        },
    )


def easy(request: HttpRequest) -> HttpResponse:
    """The start page explained in Leichte Sprache (in whatever language is chosen)."""
    return render(request, "portal/easy.html", {})


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement; a POST is a reported barrier."""
    status = 200
    if request.method == "POST":
        form = AccessibilityFeedbackForm(request.POST)
        try:
            accessibility_feedback_count(sender_key=_sender_key(request))
        except ValidationFailed as exc:
            form.is_valid()
            form.add_error(None, exc.message)
            status = 429
        else:
            if form.is_valid():
                try:
                    accessibility_feedback_create(
                        message=form.cleaned_data["message"],
                        page_url=_local_path(form.cleaned_data["page_url"], request),
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        language=get_language() or "",
                        user=request.user,
                    )
                except ValidationFailed as exc:
                    form.add_error("message", exc.message)
                else:
                    messages.success(
                        request,
                        _(
                            "Thank you for your report. We will look into the barrier. If you "
                            "gave us your e-mail address, we will answer you within one month."
                        ),
                    )
                    return redirect(reverse("portal:accessibility") + "#feedback")
            if status == 200:
                status = 400
    else:
        came_from = request.GET.get("from") or request.headers.get("Referer", "")
        form = AccessibilityFeedbackForm(initial={"page_url": _local_path(came_from, request)})
    return render(
        request,
        "portal/accessibility.html",
        {
            "form": form,
            "contact": _contact(request),
            "statement_date": _statement_date(),
            "arbitration": _arbitration(),
            "portal_address": request.build_absolute_uri(reverse("portal:home")),
        },
        status=status,
    )


def _sender_key(request: HttpRequest) -> str:
    """The account, or signed out the client address as allauth's rate limits see it (behind
    a reverse proxy: ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    try:
        address = get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        address = ""
    return f"addr:{address}"


def _local_path(url: str, request: HttpRequest) -> str:
    """Only a page of this site is kept (its path and query); anything else is dropped."""
    url = (url or "").strip()[:500]
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=False
    ):
        return ""
    parts = urlsplit(url)
    if not parts.path.startswith("/"):
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _contact(request: HttpRequest) -> dict[str, Any]:
    """The accessibility contact from the settings; a signed-in customer also sees their
    jobcenter's address."""
    jobcenter = None
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    if person is not None:
        jobcenter = person.case.jobcenter
    return {
        "name": getattr(settings, "ACCESSIBILITY_CONTACT_NAME", ""),
        "email": getattr(settings, "ACCESSIBILITY_CONTACT_EMAIL", ""),
        "phone": getattr(settings, "ACCESSIBILITY_CONTACT_PHONE", ""),
        "address": getattr(settings, "ACCESSIBILITY_CONTACT_ADDRESS", ""),
        "jobcenter": jobcenter,
    }


def _statement_date() -> datetime.date | None:
    value = getattr(settings, "ACCESSIBILITY_STATEMENT_DATE", "") or STATEMENT_DATE_DEFAULT
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _arbitration() -> dict[str, str]:
    """The configured arbitration board; with none configured, the one under § 16 BGG."""
    configured = {
        key: getattr(settings, f"ACCESSIBILITY_ARBITRATION_{key.upper()}", "")
        for key in ARBITRATION_DEFAULT
    }
    return configured if configured["name"] else dict(ARBITRATION_DEFAULT)
