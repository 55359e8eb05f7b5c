"""System checks for single sign-on (``manage.py check``)."""

from __future__ import annotations

import importlib.util
from typing import Any

from django.core import checks

from .login_policy import oidc_apps


@checks.register(checks.Tags.security)
def check_oidc_providers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    apps = oidc_apps()
    for app in apps:
        missing = [
            name
            for name, value in (
                ("SERVER_URL", app["settings"].get("server_url")),
                ("CLIENT_ID", app.get("client_id")),
                ("SECRET", app.get("secret")),
            )
            if not value
        ]
        if missing:
            prefix = f"AMTSBOTE_OIDC_{app['provider_id'].upper().replace('-', '_')}_"
            errors.append(
                checks.Error(
                    f"single sign-on provider {app['provider_id']!r} lacks "
                    + ", ".join(prefix + name for name in missing),
                    id="amtsbote.E201",
                )
            )
    if apps and importlib.util.find_spec("jwt") is None:
        errors.append(
            checks.Error(
                "single sign-on needs PyJWT (install django-allauth[socialaccount])",
                id="amtsbote.E202",
            )
        )
    return errors
