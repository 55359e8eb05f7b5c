"""Formats of the numbers printed on paper."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ASCII digits only (``\d`` would take Arabic-Indic digits too), and the whole string
# (``$`` would let a trailing newline through).
BG_NUMBER_RE = re.compile(r"[0-9]{5}BG[0-9]{7}")
CUSTOMER_NUMBER_RE = re.compile(r"[0-9]{3}D[0-9]{6}")


def normalize_number(value: str) -> str:
    return "".join(value.split()).upper()


def validate_bg_number(value: str) -> None:
    if not BG_NUMBER_RE.fullmatch(value):
        raise ValidationError(
            _("A BG-Nummer has 5 digits, the letters BG and 7 digits, e.g. 96201BG0012345."),
            code="bg_number",
        )


def validate_customer_number(value: str) -> None:
    if not CUSTOMER_NUMBER_RE.fullmatch(value):
        raise ValidationError(
            _("A Kundennummer has 3 digits, the letter D and 6 digits, e.g. 955D123456."),
            code="customer_number",
        )
