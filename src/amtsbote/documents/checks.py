"""System checks for the upload defences: is the virus scanner there? (docs/security.md)

``manage.py check --deploy`` (production) reports an ERROR when scanning is switched off or
clamd does not answer; every command that runs the checks (``check``, ``runserver``,
``migrate``) warns as well, so that a machine without clamd is noticed at once. Uploads are
refused meanwhile (fail closed).
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, Warning, register

from . import antivirus

HINT = (
    "Install clamav-daemon (scripts/install-system-deps.sh), let freshclam fetch signatures, "
    "start clamd and point AMTSBOTE_CLAMD at its socket (path or host:port). See "
    "docs/security.md."
)


def _clamd_problem() -> str:
    """Why clamd cannot scan, or '' when it answers PING."""
    client = antivirus.Clamd(antivirus.address(), timeout=3)
    try:
        if client.ping():
            return ""
        return f"clamd at {client.address} did not answer PONG"
    except antivirus.ClamdUnavailable as exc:
        return str(exc)


def check_antivirus(deploy: bool) -> list[Any]:
    level = Error if deploy else Warning
    if not antivirus.enabled():
        return [
            level(
                "Virus scanning of uploads is switched off (AMTSBOTE_ANTIVIRUS=off): "
                "uploaded files are accepted unscanned.",
                hint=HINT,
                id="amtsbote.E101" if deploy else "amtsbote.W101",
            )
        ]
    problem = _clamd_problem()
    if problem:
        return [
            level(
                f"The virus scanner cannot be reached ({problem}): every upload is refused "
                "until it answers.",
                hint=HINT,
                id="amtsbote.E102" if deploy else "amtsbote.W102",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def antivirus_deploy_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    return check_antivirus(deploy=True)


@register(Tags.security)
def antivirus_start_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    return check_antivirus(deploy=False)
