"""Forms of the desk; widgets carry KERN classes so that templates stay plain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amtsbote.accounts.models import Team, User
from amtsbote.cases.models import Case, Person
from amtsbote.doc_requests.services import ItemSpec, default_deadline
from amtsbote.documents.models import DocumentType

FREE_ITEMS = 3


class DocRequestForm(forms.Form):
    """Unterlagen anfordern: catalogue types, free-text items, deadline and a message."""

    team = forms.ModelChoiceField(
        label=_("Requesting team"),
        queryset=Team.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "kern-form-input__select"}),
    )
    addressee = forms.ModelChoiceField(
        label=_("Addressed to"),
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("The whole household (head of household)"),
        help_text=_(
            "A request to one member is shown to them and to the head of the household only."
        ),
        error_messages={"invalid_choice": _("Choose a member of this household.")},
        widget=forms.Select(attrs={"class": "kern-form-input__select"}),
    )
    document_types = forms.ModelMultipleChoiceField(
        label=_("Documents from the catalogue"),
        queryset=DocumentType.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "kern-form-check__checkbox"}),
    )
    item_1 = forms.CharField(label=_("Other document 1"), max_length=200, required=False)
    item_2 = forms.CharField(label=_("Other document 2"), max_length=200, required=False)
    item_3 = forms.CharField(label=_("Other document 3"), max_length=200, required=False)
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    message = forms.CharField(
        label=_("Message to the customer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        teams = user.teams.filter(jobcenter_id=case.jobcenter_id).order_by("name")
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        if len(teams) == 1:
            self.fields["team"].initial = teams[0]
        else:
            self.fields["team"].empty_label = "–"  # type: ignore[attr-defined]
        self.fields["addressee"].queryset = case.people.order_by("position", "id")  # type: ignore[attr-defined]
        self.fields["deadline"].initial = default_deadline(case)
        for name in ("item_1", "item_2", "item_3", "deadline", "message"):
            self.fields[name].widget.attrs.setdefault("class", "kern-form-input__input")

    def clean_deadline(self) -> dt.date:
        deadline: dt.date = self.cleaned_data["deadline"]
        if deadline <= timezone.localdate():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return deadline

    def free_items(self) -> list[forms.BoundField]:
        return [self[f"item_{n}"] for n in range(1, FREE_ITEMS + 1)]

    def item_specs(self) -> list[ItemSpec]:
        specs = [ItemSpec(document_type=t) for t in self.cleaned_data["document_types"]]
        for n in range(1, FREE_ITEMS + 1):
            if label := self.cleaned_data.get(f"item_{n}", "").strip():
                specs.append(ItemSpec(label=label))
        return specs
