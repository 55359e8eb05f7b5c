"""Every form definition, by code and version. The newest version of a code is offered for
new drafts; older ones stay here so that drafts and submissions made with them stay readable.
"""

from __future__ import annotations

from .absence import ABSENCE_V1
from .appointment import APPOINTMENT_V1
from .base import FormDefinition
from .change_notice import CHANGE_NOTICE_V1
from .continuation import CONTINUATION_V1
from .sick_note import SICK_NOTE_V1

DEFINITIONS: tuple[FormDefinition, ...] = (
    CHANGE_NOTICE_V1,
    CONTINUATION_V1,
    SICK_NOTE_V1,
    ABSENCE_V1,
    APPOINTMENT_V1,
)

_BY_KEY = {(d.code, d.version): d for d in DEFINITIONS}
if len(_BY_KEY) != len(DEFINITIONS):  # pragma: no cover - a programming error
    raise ImportError("two form definitions share code and version")


def get(code: str, version: int | None = None) -> FormDefinition | None:
    """The definition ``code`` in ``version`` (the newest when None), or None."""
    if version is not None:
        return _BY_KEY.get((code, version))
    versions = [d for d in DEFINITIONS if d.code == code]
    return max(versions, key=lambda d: d.version) if versions else None


def current() -> list[FormDefinition]:
    """The newest version of every form, in the order in which the portal offers them."""
    seen: dict[str, FormDefinition] = {}
    for definition in DEFINITIONS:
        newest = get(definition.code)
        if newest is not None:
            seen.setdefault(definition.code, newest)
    return list(seen.values())
