"""Forms of the records pages (desk/views/records.py): retention rules, erasure requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amtsbote.cases.models import FilePlanEntry
from amtsbote.documents.models import Document, DocumentType
from amtsbote.records.constants import (
    DEFAULT_RETENTION_YEARS,
    RETENTION_YEARS_MAX,
    RETENTION_YEARS_MIN,
)

INPUT = {"class": "kern-form-input__input"}
SELECT = {"class": "kern-form-input__select"}


class RetentionRuleForm(forms.Form):
    """A register and/or a document type, and the years after the year the case closed."""

    register_code = forms.ChoiceField(
        label=_("Register"),
        required=False,
        help_text=_("Leave empty for every register."),
        widget=forms.Select(attrs=SELECT),
    )
    document_type = forms.ModelChoiceField(
        label=_("Document type"),
        queryset=DocumentType.objects.order_by("name"),
        required=False,
        empty_label=_("every document type"),
        help_text=_("Leave empty for every document type."),
        widget=forms.Select(attrs=SELECT),
    )
    years = forms.IntegerField(
        label=_("Years"),
        min_value=RETENTION_YEARS_MIN,
        max_value=RETENTION_YEARS_MAX,
        help_text=_(
            "Whole years from %(min)d to %(max)d, counted from the end of the year in which "
            "the case was closed (default without a rule: %(default)d)."
        )
        % {
            "min": RETENTION_YEARS_MIN,
            "max": RETENTION_YEARS_MAX,
            "default": DEFAULT_RETENTION_YEARS,
        },
        error_messages={
            "invalid": _("Please enter a whole number of years, for example 10."),
            "min_value": _("At least %(limit_value)s year."),
            "max_value": _("At most %(limit_value)s years."),
            "required": _("Please enter the number of years, for example 10."),
        },
        widget=forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, jobcenter_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        registers = FilePlanEntry.objects.filter(jobcenter_id=jobcenter_id).order_by(
            "position", "code"
        )
        field = self.fields["register_code"]
        field.choices = [("", _("every register"))] + [  # type: ignore[attr-defined]
            (entry.code, entry.name) for entry in registers
        ]
        field.error_messages["invalid_choice"] = _(
            "Please choose a register of the file plan, or leave it empty for every register."
        )
        self.fields["document_type"].error_messages["invalid_choice"] = _(
            "Please choose a document type from the list, or leave it empty for every type."
        )


class BgNumberForm(forms.Form):
    """Which case an erasure request is about."""

    bg_number = forms.CharField(
        label=_("BG-Nummer"),
        max_length=20,
        help_text=_("For example 96201BG0012345."),
        widget=forms.TextInput(attrs=INPUT),
    )

    def clean_bg_number(self) -> str:
        return str(self.cleaned_data["bg_number"]).replace(" ", "").upper()


class ErasureRequestForm(forms.Form):
    """A customer's request for erasure: who, when, on which basis, and what."""

    requester = forms.CharField(
        label=_("Requested by"),
        max_length=100,
        help_text=_("The person who asked, for example the customer or their representative."),
        widget=forms.TextInput(attrs=INPUT),
    )
    received_on = forms.DateField(
        label=_("Received on"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"invalid": _("Please enter a date like 31.12.2024.")},
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis and note"),
        max_length=180,
        help_text=_("For example: Art. 17 (1) a DSGVO, documents no longer needed."),
        widget=forms.Textarea(attrs={**INPUT, "rows": 3}),
    )
    scope = forms.ChoiceField(
        label=_("What is to be erased"),
        choices=[
            ("case", _("All documents of the case")),
            ("documents", _("The documents selected below")),
        ],
        initial="documents",
        widget=forms.RadioSelect(attrs={"class": "kern-form-check__radio"}),
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "kern-form-check__checkbox"}),
        error_messages={
            "invalid_choice": _("Please choose only documents of this case."),
        },
    )

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]
        self.fields["documents"].label_from_instance = (  # type: ignore[attr-defined]
            lambda d: f"{d.title} ({d.received_at:%d.%m.%Y})"
        )

    def clean_received_on(self) -> dt.date:
        received: dt.date = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError(_("The request cannot have been received in the future."))
        return received

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == "documents" and not data.get("documents"):
            self.add_error(
                "documents",
                _("Please select the documents to erase, or choose all documents of the case."),
            )
        return data
