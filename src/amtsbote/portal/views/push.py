"""Notifications on the customer's devices (web push): turn on, list, remove."""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from amtsbote.core.exceptions import ValidationFailed
from amtsbote.notifications.access import access_subscription_for_user
from amtsbote.notifications.models import PushSubscription
from amtsbote.notifications.push import (
    SubscriptionData,
    push_subscribe,
    push_unsubscribe,
    vapid_public_key,
)
from amtsbote.notifications.selectors import subscriptions_for_user

from .http import AuthenticatedRequest, wants_json

# (pattern in the User-Agent, name shown); the first match wins, so Edge before Chrome.
_BROWSERS = [
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
]
_SYSTEMS = [
    (r"Android", "Android"),
    (r"iPhone|iPod", "iPhone"),
    (r"iPad", "iPad"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"CrOS", "ChromeOS"),
    (r"Linux", "Linux"),
]


def device_label(user_agent: str) -> str:
    """ "Firefox on Android" from a User-Agent; the browser alone or "Unknown browser"."""
    browser = next((name for pattern, name in _BROWSERS if re.search(pattern, user_agent)), "")
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, user_agent)), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")


@require_GET
@login_required
def devices(request: AuthenticatedRequest) -> HttpResponse:
    """What push is, the button to turn it on here, and every device it is on."""
    rows = [
        {"subscription": subscription, "label": device_label(subscription.user_agent)}
        for subscription in subscriptions_for_user(request.user)
    ]
    return render(
        request,
        "portal/devices.html",
        {"rows": rows, "vapid_public_key": vapid_public_key()},
    )


@require_POST
@login_required
def device_subscribe(request: AuthenticatedRequest) -> HttpResponse:
    """The subscription JSON from push.js (``PushSubscription.toJSON()``)."""
    try:
        data = SubscriptionData.from_json(json.loads(request.body or b"null"))
        subscription = push_subscribe(
            user=request.user,
            data=data,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except (ValueError, ValidationFailed) as exc:
        message = (
            exc.message
            if isinstance(exc, ValidationFailed)
            else _("This browser sent no usable subscription for notifications.")
        )
        return JsonResponse({"ok": False, "message": message}, status=400)
    message = _("Notifications are on for this device.")
    messages.success(request, message)  # shown when push.js reloads the list
    return JsonResponse({"ok": True, "id": str(subscription.uuid), "message": message}, status=201)


@require_POST
@login_required
def device_remove(request: AuthenticatedRequest, subscription_uuid: str) -> HttpResponse:
    try:
        subscription = access_subscription_for_user(
            user=request.user, subscription_uuid=subscription_uuid
        )
    except PushSubscription.DoesNotExist as exc:
        raise Http404("no such device") from exc
    push_unsubscribe(subscription=subscription, actor=request.user)
    message = _("Notifications are off for this device.")
    if wants_json(request):
        return JsonResponse({"ok": True, "message": message})
    messages.success(request, message)
    return redirect("portal:devices")
