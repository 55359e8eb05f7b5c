"""Checks across fields and conditions on earlier answers, shared by the definitions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from .. import dates
from ..engine import parse_date
from .base import Check, Data


def answer(data: Data, step: str, name: str) -> Any:
    return (data.get(step) or {}).get(name)


def chosen(step: str, name: str, value: str) -> Callable[[Data], bool]:
    """Condition: ``value`` was chosen (or is among the choices) in an earlier step."""

    def condition(data: Data) -> bool:
        got = answer(data, step, name)
        return value in got if isinstance(got, list) else got == value

    return condition


def any_yes(step: str, *names: str) -> Callable[[Data], bool]:
    return lambda data: any(answer(data, step, name) == "yes" for name in names)


def end_not_before_start(start: str, end: str) -> Check:
    """The end (``end``) must not lie before the start (``start``); the message goes to the
    end field."""

    def check(values: Data) -> list[tuple[str, str]]:
        if dates.ends_before_start(parse_date(values.get(start)), parse_date(values.get(end))):
            return [(end, _("The end date is before the start date. Please check both dates."))]
        return []

    return check


def required_when(field: str, *, when: str, equals: tuple[str, ...]) -> Check:
    """``field`` must be filled in when ``when`` has one of the values ``equals``."""

    def check(values: Data) -> list[tuple[str, str]]:
        if values.get(when) in equals and values.get(field) in (None, ""):
            return [(field, _("Please fill in this field."))]
        return []

    return check
