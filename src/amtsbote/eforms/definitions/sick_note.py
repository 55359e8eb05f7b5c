"""Arbeitsunfähigkeit melden: the days of the sick note; its photo follows right after."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..constants import FieldKind
from .base import Field, FormDefinition, Step
from .checks import end_not_before_start

SICK_NOTE_V1 = FormDefinition(
    code="arbeitsunfaehigkeit",
    version=1,
    title=_("Report sick"),
    title_de="Meldung der Arbeitsunfähigkeit",
    description=_(
        "You are sick and cannot come to an appointment or work. Tell us the days, then send "
        "a photo of your sick note (AU)."
    ),
    register_code="gesundheit",
    steps=(
        Step(
            key="dates",
            title=_("Days of your sick note"),
            checks=(end_not_before_start("first_day", "last_day"),),
            fields=(
                Field("first_day", FieldKind.DATE, _("Sick from")),
                Field(
                    "last_day",
                    FieldKind.DATE,
                    _("Sick until (expected)"),
                    help_text=_("The last day written on your sick note."),
                ),
                Field(
                    "kind",
                    FieldKind.CHOICE,
                    _("Sick note"),
                    choices=(
                        ("first", _("First sick note")),
                        ("follow_up", _("Follow-up sick note")),
                    ),
                ),
            ),
        ),
    ),
)
