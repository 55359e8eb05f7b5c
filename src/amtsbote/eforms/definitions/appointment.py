"""Termin absagen oder verschieben: cancel or move an appointment, with the reason."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..constants import FieldKind
from .base import Field, FormDefinition, Step
from .checks import required_when

APPOINTMENT_V1 = FormDefinition(
    code="termin",
    version=1,
    title=_("Cancel or move an appointment"),
    title_de="Absage / Verschiebung eines Termins",
    description=_(
        "You cannot come to an appointment. Tell us why, as early as possible. Without an "
        "important reason, benefits can be reduced."
    ),
    register_code="vermittlung",
    steps=(
        Step(
            key="appointment",
            title=_("Your appointment"),
            checks=(required_when("details", when="reason", equals=("other",)),),
            fields=(
                Field("date", FieldKind.DATE, _("Date of the appointment")),
                Field(
                    "action",
                    FieldKind.CHOICE,
                    _("What do you want?"),
                    choices=(
                        ("cancel", _("Cancel the appointment")),
                        ("move", _("Move the appointment")),
                    ),
                ),
                Field(
                    "reason",
                    FieldKind.CHOICE,
                    _("Reason"),
                    choices=(
                        ("sick", _("I am sick")),
                        ("work", _("I have to work or have a job interview")),
                        ("child", _("I have to look after my child")),
                        ("other", _("Another reason")),
                    ),
                ),
                Field("details", FieldKind.TEXTAREA, _("Please explain"), required=False),
                Field(
                    "preferred",
                    FieldKind.TEXT,
                    _("When would suit you instead?"),
                    required=False,
                ),
            ),
        ),
    ),
)
