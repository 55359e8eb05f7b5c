"""Domain exceptions. Services raise these; views turn them into messages for people."""

from __future__ import annotations


class AmtsboteError(Exception):
    """Base of every domain error; ``message`` is safe to show to the user (translated)."""

    def __init__(self, message: str, *, code: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ValidationFailed(AmtsboteError):
    """Input that the service refuses; nothing was stored."""


class PermissionDenied(AmtsboteError):
    """The actor may not do this."""


class ActivationFailed(AmtsboteError):
    """An activation code could not be redeemed (unknown, used, expired, revoked, throttled)."""


class UnsupportedUpload(ValidationFailed):
    """An uploaded file is not of an accepted kind or breaks a limit (§ 36a Abs. 3 SGB I)."""


class Conflict(AmtsboteError):
    """Somebody else changed the object since it was loaded (optimistic concurrency)."""
