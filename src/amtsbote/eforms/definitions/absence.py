"""Ortsabwesenheit: ask in advance for approval to be away from home."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .. import validators
from ..constants import FieldKind
from .base import Field, FormDefinition, Step
from .checks import end_not_before_start

ABSENCE_V1 = FormDefinition(
    code="ortsabwesenheit",
    version=1,
    title=_("Ask to be away"),
    title_de="Antrag auf Zustimmung zur Ortsabwesenheit",
    description=_(
        "You want to travel or be away from home. Ask your jobcenter in advance for approval."
    ),
    register_code="vermittlung",
    steps=(
        Step(
            key="absence",
            title=_("When and where?"),
            checks=(end_not_before_start("start", "end"),),
            fields=(
                Field(
                    "start",
                    FieldKind.DATE,
                    _("First day away"),
                    validators=(validators.validate_not_in_past,),
                ),
                Field("end", FieldKind.DATE, _("Last day away")),
                Field("destination", FieldKind.TEXT, _("Destination (town, country)")),
                Field(
                    "reachable",
                    FieldKind.TEXT,
                    _("How can we reach you while you are away?"),
                    required=False,
                ),
            ),
        ),
    ),
)
