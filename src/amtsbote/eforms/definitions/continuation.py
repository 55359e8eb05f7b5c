"""Weiterbewilligungsantrag (WBA): continue benefits, with what changed since the last one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..constants import FieldKind
from .base import Field, FormDefinition, Step
from .checks import any_yes

AREAS = (
    ("household", _("Did anyone move in or out of your household?")),
    ("income", _("Did the income of anyone in your household change?")),
    ("housing", _("Did your rent, service charges or heating costs change?")),
    ("assets", _("Did your savings or other assets change?")),
    ("health", _("Did your health insurance change?")),
)

CONTINUATION_V1 = FormDefinition(
    code="weiterbewilligungsantrag",
    version=1,
    title=_("Apply to continue benefits"),
    title_de="Weiterbewilligungsantrag",
    description=_(
        "Your benefits are granted for a limited time. Apply here to continue them, and tell "
        "us what changed since your last application."
    ),
    document_type_code="weiterbewilligungsantrag",
    steps=(
        Step(
            key="changes",
            title=_("What changed since your last application?"),
            fields=tuple(Field(name, FieldKind.YES_NO, label) for name, label in AREAS),
        ),
        Step(
            key="details",
            title=_("Please describe the changes"),
            condition=any_yes("changes", *(name for name, _label in AREAS)),
            fields=(
                Field(
                    "details",
                    FieldKind.TEXTAREA,
                    _("What changed, for whom, and since when?"),
                ),
            ),
        ),
    ),
)
