"""Test helpers for second factors: a TOTP authenticator and its current code."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_add(user, secret: str = TOTP_SECRET) -> Authenticator:
    return TOTP.activate(user, secret).instance


def totp_code(secret: str = TOTP_SECRET, *, periods_ahead: int = 0) -> str:
    """The code an authenticator app shows now (freeze the time around its use)."""
    counter = next(yield_hotp_counters_from_time()) + periods_ahead
    return format_hotp_value(hotp_value(secret, counter))


__all__ = ["generate_totp_secret", "totp_add", "totp_code"]
