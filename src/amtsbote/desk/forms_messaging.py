"""Forms of the desk's messages: reply, assignment, new message to a customer, canned replies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amtsbote.accounts.models import Team, User
from amtsbote.cases.models import Person

SELECT = {"class": "kern-form-input__select"}
INPUT = {"class": "kern-form-input__input"}
TEXT = {"class": "kern-form-input__input", "rows": 8}


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Answer (German)"), max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Assigned to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("the whole team"),
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members  # type: ignore[attr-defined]


class ThreadStartForm(forms.Form):
    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        label=_("To"),
        queryset=Person.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs=SELECT),
    )
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        label=_("On behalf of the team"),
        queryset=Team.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs=SELECT),
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=200, widget=forms.TextInput(attrs=INPUT)
    )
    body = forms.CharField(
        label=_("Message (German)"), max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )

    def __init__(self, *args: Any, people: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, widget=forms.TextInput(attrs=INPUT))
    body = forms.CharField(label=_("Text (German)"), widget=forms.Textarea(attrs=TEXT))
