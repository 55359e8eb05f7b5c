"""Formats of the numbers printed on paper."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BG_NUMBER_RE = re.compile(r"^\d{5}BG\d{7}$")
CUSTOMER_NUMBER_RE = re.compile(r"^\d{3}D\d{6}$")


def normalize_number(value: str) -> str:
    return "".join(value.split()).upper()


def validate_bg_number(value: str) -> None:
    if not BG_NUMBER_RE.match(value):
        raise ValidationError(
            _("A BG-Nummer has 5 digits, the letters BG and 7 digits, e.g. 96201BG0012345."),
            code="bg_number",
        )


def validate_customer_number(value: str) -> None:
    if not CUSTOMER_NUMBER_RE.match(value):
        raise ValidationError(
            _("A Kundennummer has 3 digits, the letter D and 6 digits, e.g. 955D123456."),
            code="customer_number",
        )
