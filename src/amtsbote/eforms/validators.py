"""Field validators of the forms. Each raises Django's ValidationError with a message that
says what is wrong and how to fix it, in the customer's language."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from . import dates
from .constants import MOVE_MAX_FUTURE_DAYS

POSTAL_CODE = re.compile(r"^\d{5}$")


def iban_normalize(value: str) -> str:
    """IBAN in groups of four (``DE89 3704 …``), or ValidationError when the check fails."""
    try:
        compact = stdnum_iban.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _(
                "This IBAN is not valid. Please check every character: a German IBAN starts "
                "with DE and has 22 characters, for example DE89 3704 0044 0532 0130 00."
            ),
            code="iban",
        ) from exc
    return stdnum_iban.format(compact)


def validate_postal_code(value: str) -> None:
    if not POSTAL_CODE.match(value.strip()):
        raise ValidationError(
            _("Please enter the five-digit postal code, for example 50667."), code="postal_code"
        )


def validate_money(value: Decimal) -> None:
    if value < 0:
        raise ValidationError(_("Please enter an amount of 0 or more."), code="negative")


def validate_moving_date(value: dt.date) -> None:
    today = timezone.localdate()
    if dates.moving_date_too_early(value, today=today):
        raise ValidationError(
            _(
                "This date is more than one year ago. Please check the year. If you really "
                "moved that long ago, please contact your jobcenter directly."
            ),
            code="too_early",
        )
    if dates.moving_date_too_late(value, today=today):
        raise ValidationError(
            _(
                "This date is more than %(months)s months away. Please report the move when "
                "the date is closer."
            )
            % {"months": MOVE_MAX_FUTURE_DAYS // 30},
            code="too_late",
        )


def validate_not_in_past(value: dt.date) -> None:
    today = timezone.localdate()
    if value < today:
        raise ValidationError(
            _("This date is in the past. Please choose today (%(today)s) or a later day.")
            % {"today": formats.date_format(today, "SHORT_DATE_FORMAT")},
            code="past",
        )
