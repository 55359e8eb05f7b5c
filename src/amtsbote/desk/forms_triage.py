"""Forms of the triage queue (desk/views/triage.py): each carries the version it was shown at."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amtsbote.documents.models import DocumentType


class _VersionedForm(forms.Form):
    # The version the person saw; an older one than the stored one is a conflict.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class AssignForm(_VersionedForm):
    case = forms.UUIDField(widget=forms.HiddenInput)


class TypeForm(_VersionedForm):
    type_code = forms.ChoiceField(
        label=gettext_lazy("Document type"),
        required=False,
        widget=forms.Select(attrs={"class": "kern-form-input__select", "id": "triage-type"}),
    )

    def __init__(self, *args: Any, types: list[DocumentType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("unclassified"))] + [(t.code, t.name) for t in types]
        self.fields["type_code"].choices = choices  # type: ignore[attr-defined]


class RotateForm(_VersionedForm):
    page = forms.IntegerField(min_value=0, required=False)  # file page index; empty: all
    degrees = forms.TypedChoiceField(
        label=gettext_lazy("Turn"),
        choices=[
            (90, gettext_lazy("90° clockwise")),
            (180, gettext_lazy("180°")),
            (270, gettext_lazy("90° anticlockwise")),
        ],
        coerce=int,
        initial=90,
    )


class SplitForm(_VersionedForm):
    after = forms.IntegerField(label=gettext_lazy("Split after page"), min_value=1)


class MergeForm(_VersionedForm):
    following = forms.UUIDField(widget=forms.HiddenInput)
    following_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class DiscardForm(_VersionedForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("For example: blank page, advertising, received twice."),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "kern-form-input__input", "id": "triage-reason"}),
    )
