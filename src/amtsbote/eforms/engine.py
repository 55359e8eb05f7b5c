"""The form engine: a step of a definition as a Django form (validation, widgets with KERN
classes), values to JSON and back, values for people to read (summary, PDF, desk).

Draft data is ``{step key: {field name: JSON value}}``: dates as ISO strings, amounts as
decimal strings, several choices as a list.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import validators
from .constants import FieldKind
from .definitions.base import Data, Field, FormDefinition, Step

YES_NO = (("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No")))


def normalize_amount(raw: str) -> str:
    """An amount as people type it ("1.234,50 €", "1234,5", "1,234.50", "450.00") as a plain
    decimal string: the last separator is the decimal one when one or two digits follow."""
    text = "".join(raw.replace("€", "").split())
    comma, dot = text.rfind(","), text.rfind(".")
    decimal_at = max(comma, dot)
    if decimal_at >= 0 and 1 <= len(text) - decimal_at - 1 <= 2:
        whole, fraction = text[:decimal_at], text[decimal_at + 1 :]
        return whole.replace(",", "").replace(".", "") + "." + fraction
    return text.replace(",", "").replace(".", "")


class MoneyField(forms.DecimalField):
    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = normalize_amount(value)
        return super().to_python(value)


class IbanField(forms.CharField):
    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        return validators.iban_normalize(value) if value else value


def _form_field(spec: Field) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec.label,
        "help_text": spec.help_text,
        "required": spec.required,
        "validators": list(spec.validators),
    }
    text_attrs = {"class": "kern-form-input__input"}
    if spec.kind == FieldKind.TEXT:
        return forms.CharField(
            max_length=spec.max_length, widget=forms.TextInput(attrs=text_attrs), **common
        )
    if spec.kind == FieldKind.TEXTAREA:
        return forms.CharField(
            max_length=2000,
            widget=forms.Textarea(attrs={"class": "kern-form-input__input", "rows": 4}),
            **common,
        )
    if spec.kind == FieldKind.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={**text_attrs, "type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d.%m.%Y"],
            **common,
        )
    if spec.kind == FieldKind.MONEY:
        common["validators"].append(validators.validate_money)
        return MoneyField(
            max_digits=9,
            decimal_places=2,
            widget=forms.TextInput(attrs={**text_attrs, "inputmode": "decimal"}),
            **common,
        )
    if spec.kind == FieldKind.IBAN:
        return IbanField(
            max_length=42,
            widget=forms.TextInput(
                attrs={**text_attrs, "autocomplete": "off", "spellcheck": "false"}
            ),
            **common,
        )
    if spec.kind == FieldKind.POSTAL_CODE:
        common["validators"].append(validators.validate_postal_code)
        return forms.CharField(
            max_length=5,
            widget=forms.TextInput(
                attrs={**text_attrs, "inputmode": "numeric", "autocomplete": "postal-code"}
            ),
            **common,
        )
    if spec.kind in (FieldKind.CHOICE, FieldKind.YES_NO):
        choices = YES_NO if spec.kind == FieldKind.YES_NO else spec.choices
        return forms.ChoiceField(
            choices=choices,
            widget=forms.RadioSelect(attrs={"class": "kern-form-check__radio"}),
            **common,
        )
    if spec.kind == FieldKind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=spec.choices,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "kern-form-check__checkbox"}),
            **common,
        )
    raise ValueError(f"unknown field kind {spec.kind}")


def step_form(step: Step, *, data: Any = None, initial: Data | None = None) -> forms.Form:
    """A bound (``data``) or unbound (``initial``: the draft's JSON values) form for a step.
    Cross-field checks of the step run in ``clean`` and attach their messages to a field."""
    fields = {spec.name: _form_field(spec) for spec in step.fields}

    def clean(form: forms.Form) -> dict[str, Any]:
        cleaned = forms.Form.clean(form) or {}
        for check in step.checks:
            for name, message in check(cleaned):
                if name in form.fields and name not in form.errors:
                    form.add_error(name, message)
        return cleaned

    form_class = type("StepForm", (forms.Form,), {**fields, "clean": clean})
    if data is not None:
        return form_class(data=data, prefix=None)
    return form_class(initial={k: from_json(step, k, v) for k, v in (initial or {}).items()})


def to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def from_json(step: Step, name: str, value: Any) -> Any:
    spec = next((f for f in step.fields if f.name == name), None)
    if spec is None or value in (None, ""):
        return value
    if spec.kind == FieldKind.DATE:
        return parse_date(value)
    if spec.kind == FieldKind.MONEY:
        try:
            # Shown as the customer writes amounts ("450,00" in German).
            return formats.number_format(Decimal(value), 2)
        except InvalidOperation:
            return None
    return value


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def cleaned_to_json(form: forms.Form) -> dict[str, Any]:
    return {name: to_json(value) for name, value in form.cleaned_data.items()}


def display(spec: Field, value: Any) -> str:
    """A value as people read it, in the active language (German inside the PDF)."""
    if value in (None, "", []):
        return "–"
    if spec.kind == FieldKind.DATE:
        day = parse_date(value)
        return formats.date_format(day, "SHORT_DATE_FORMAT") if day else str(value)
    if spec.kind == FieldKind.MONEY:
        return f"{formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)} €"
    if spec.kind in (FieldKind.CHOICE, FieldKind.YES_NO):
        choices = dict(YES_NO if spec.kind == FieldKind.YES_NO else spec.choices)
        return str(choices.get(value, value))
    if spec.kind == FieldKind.MULTIPLE:
        choices = dict(spec.choices)
        return ", ".join(str(choices.get(v, v)) for v in value)
    return str(value)


def summary(definition: FormDefinition, data: Data) -> list[dict[str, Any]]:
    """The active steps with their fields' labels and display values (summary, PDF, desk)."""
    sections = []
    for step in definition.active_steps(data):
        values = data.get(step.key, {})
        rows = [
            {"name": spec.name, "label": spec.label, "value": display(spec, values.get(spec.name))}
            for spec in step.fields
            if values.get(spec.name) not in (None, "", []) or spec.required
        ]
        sections.append({"key": step.key, "title": step.title, "rows": rows})
    return sections


def validate_all(definition: FormDefinition, data: Data) -> dict[str, list[str]]:
    """Every active step validated again (before sending): step key → messages."""
    problems: dict[str, list[str]] = {}
    for step in definition.active_steps(data):
        values = data.get(step.key)
        if values is None:
            problems[step.key] = [_("This step has not been filled in yet.")]
            continue
        form = step_form(step, data=_as_post(step, values))
        if not form.is_valid():
            problems[step.key] = [str(e) for errors in form.errors.values() for e in errors]
    return problems


def _as_post(step: Step, values: Data) -> dict[str, Any]:
    """Draft JSON as form data (what the browser would post) for re-validation."""
    from django.utils.datastructures import MultiValueDict

    post: MultiValueDict[str, Any] = MultiValueDict()
    for spec in step.fields:
        value = values.get(spec.name)
        if isinstance(value, list):
            post.setlist(spec.name, [str(v) for v in value])
        elif value is not None:
            post[spec.name] = str(value)
    return post  # type: ignore[return-value]


def first_error_step(problems: dict[str, list[str]]) -> str | None:
    return next(iter(problems), None)


__all__ = ["ValidationError", "step_form", "summary", "validate_all"]
