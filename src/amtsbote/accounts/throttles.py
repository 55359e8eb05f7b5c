"""Per-account throttles outside allauth: sends of files from the portal (docs/login.md).

Counted in the cache (the database cache, shared by all web workers) in fixed one-hour
windows; a send counts whether or not it is accepted, so a script cannot hammer the virus
scanner and the PDF checks with broken files.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from amtsbote.core.exceptions import ValidationFailed

UPLOADS_THROTTLED = _(
    "You have sent files very often in the last hour. Please wait a while and try again."
)


def _upload_key(user: Any) -> str:
    return f"upload-sends:{user.pk}:{int(time.time() // 3600)}"


def upload_send_count(*, user: Any) -> None:
    """Count one send of files by ``user``; refuse it once the hourly limit is used up."""
    key = _upload_key(user)
    cache.add(key, 0, timeout=3600)
    if cache.incr(key) > settings.UPLOAD_SENDS_PER_HOUR:
        raise ValidationFailed(str(UPLOADS_THROTTLED), code="throttled")
