"""Veränderungsmitteilung (VÄM): what changed — move, income, household, bank account."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .. import validators
from ..constants import FieldKind
from .base import Field, FormDefinition, Step
from .checks import chosen, required_when

PARTS = (
    ("move", _("I moved or will move")),
    ("income", _("My income changed (new job, different pay, job ended)")),
    ("household", _("Someone moved in or out, or a child was born")),
    ("bank", _("My bank account changed")),
)

CHANGE_NOTICE_V1 = FormDefinition(
    code="veraenderungsmitteilung",
    version=1,
    title=_("Report a change"),
    title_de="Veränderungsmitteilung",
    description=_(
        "Tell your jobcenter about a move, a new job or different pay, a person moving in or "
        "out, or a new bank account."
    ),
    document_type_code="veraenderungsmitteilung",
    steps=(
        Step(
            key="parts",
            title=_("What has changed?"),
            intro=_("Choose everything that applies. You can report several changes at once."),
            fields=(Field("parts", FieldKind.MULTIPLE, _("Changes"), choices=PARTS),),
        ),
        Step(
            key="move",
            title=_("Your new home"),
            condition=chosen("parts", "parts", "move"),
            fields=(
                Field("street", FieldKind.TEXT, _("Street and house number")),
                Field("postal_code", FieldKind.POSTAL_CODE, _("Postal code")),
                Field("city", FieldKind.TEXT, _("City")),
                Field(
                    "moving_date",
                    FieldKind.DATE,
                    _("Moving date"),
                    help_text=_("The day you moved in, or will move in."),
                    validators=(validators.validate_moving_date,),
                ),
                Field(
                    "rent",
                    FieldKind.MONEY,
                    _("Rent without heating and service charges (Kaltmiete), per month"),
                ),
                Field(
                    "service_charges",
                    FieldKind.MONEY,
                    _("Service charges (Nebenkosten), per month"),
                ),
                Field(
                    "heating",
                    FieldKind.MONEY,
                    _("Heating costs, per month"),
                    help_text=_("Leave empty if heating is included in the service charges."),
                    required=False,
                ),
            ),
        ),
        Step(
            key="income",
            title=_("Your income"),
            condition=chosen("parts", "parts", "income"),
            fields=(
                Field(
                    "change",
                    FieldKind.CHOICE,
                    _("What changed?"),
                    choices=(
                        ("new_job", _("I have a new job")),
                        ("pay_change", _("My pay changed")),
                        ("job_ended", _("My job ended")),
                    ),
                ),
                Field("employer", FieldKind.TEXT, _("Employer")),
                Field("since", FieldKind.DATE, _("Since when?")),
                Field(
                    "gross_pay",
                    FieldKind.MONEY,
                    _("Gross pay per month"),
                    help_text=_("If you do not know it yet, leave it empty."),
                    required=False,
                ),
            ),
        ),
        Step(
            key="household",
            title=_("Your household"),
            condition=chosen("parts", "parts", "household"),
            checks=(required_when("birth_date", when="change", equals=("birth", "moves_in")),),
            fields=(
                Field(
                    "change",
                    FieldKind.CHOICE,
                    _("What changed?"),
                    choices=(
                        ("moves_in", _("A person moved in")),
                        ("moves_out", _("A person moved out")),
                        ("birth", _("A child was born")),
                    ),
                ),
                Field("first_name", FieldKind.TEXT, _("First name of the person")),
                Field("last_name", FieldKind.TEXT, _("Last name of the person")),
                Field("birth_date", FieldKind.DATE, _("Date of birth"), required=False),
                Field("date", FieldKind.DATE, _("Date of the change")),
            ),
        ),
        Step(
            key="bank",
            title=_("Your new bank account"),
            condition=chosen("parts", "parts", "bank"),
            fields=(
                Field("account_holder", FieldKind.TEXT, _("Account holder")),
                Field(
                    "iban",
                    FieldKind.IBAN,
                    _("IBAN"),
                    help_text=_("You find it on your bank card or in your banking app."),
                ),
            ),
        ),
        Step(
            key="remarks",
            title=_("Anything else?"),
            fields=(
                Field(
                    "remarks",
                    FieldKind.TEXTAREA,
                    _("Anything else your jobcenter should know"),
                    required=False,
                ),
            ),
        ),
    ),
)
