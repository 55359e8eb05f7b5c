"""The audit log: ``audit.record()`` is called by every service that changes state."""

from typing import Any


def record(action: str, **kwargs: Any) -> Any:
    """Append an event to the hash-chained log (see ``audit.services.record``)."""
    from .services import record as _record

    return _record(action, **kwargs)
