"""Security headers on every response (docs/security.md, "Headers").

- ``Content-Security-Policy`` (``settings.CONTENT_SECURITY_POLICY``): scripts and styles only
  from our own static files, no inline script, no inline style, no plugins, no framing. With
  ``settings.CONTENT_SECURITY_POLICY_REPORT_ONLY`` the browser only reports what it would block
  (its console), to try a changed policy on a running service first. A response that brings
  its own policy keeps it (files: ``core.http.file_response``).
- ``Permissions-Policy`` (``settings.PERMISSIONS_POLICY``): no camera, microphone, location,
  payment or USB; the camera only on the portal pages where photos are taken
  (``CAMERA_VIEWS``).

HSTS, ``nosniff``, the referrer policy, ``Cross-Origin-Opener-Policy`` and the redirect to
HTTPS are Django's own ``SecurityMiddleware``; ``X-Frame-Options`` is Django's
``XFrameOptionsMiddleware`` (settings.py, "security headers").
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# URL names of the pages where the portal takes photos with the camera (upload for a
# document request, a new message and a reply with attachments).
CAMERA_VIEWS = frozenset({"portal:request", "portal:thread_new", "portal:thread"})


def permissions_policy(view_name: str | None) -> str:
    policy: dict[str, str] = dict(settings.PERMISSIONS_POLICY)
    if view_name in CAMERA_VIEWS:
        policy["camera"] = "(self)"
    return ", ".join(f"{feature}={allowlist}" for feature, allowlist in policy.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        csp_header = (
            "Content-Security-Policy-Report-Only"
            if settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
            else "Content-Security-Policy"
        )
        if (
            "Content-Security-Policy" not in response
            and "Content-Security-Policy-Report-Only" not in response
        ):
            response[csp_header] = settings.CONTENT_SECURITY_POLICY
        match = getattr(request, "resolver_match", None)
        response.setdefault(
            "Permissions-Policy", permissions_policy(match.view_name if match else None)
        )
        return response
