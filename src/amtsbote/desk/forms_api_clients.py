"""Forms of the API client pages (desk/views/api_clients.py): a new client, its scopes, a key
label, a webhook. They check the input's shape; the services decide (and audit)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from amtsbote.accounts.models import Team
from amtsbote.integrations.constants import Scope, WebhookEvent

INPUT = {"class": "kern-form-input__input"}
CHECKBOX = {"class": "kern-form-check__checkbox"}


def _scopes_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
        help_text=_("What the client may do; it only ever sees your own jobcenter."),
        error_messages={
            "required": _("Choose at least one scope. To stop a client, switch it off."),
            "invalid_choice": _("Unknown scope: %(value)s"),
        },
    )


class ApiClientCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("For example the name of the benefits software or of the scanner."),
        error_messages={"required": _("Please give the API client a name.")},
        widget=forms.TextInput(attrs={**INPUT, "autocomplete": "off"}),
    )
    scopes = _scopes_field()
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
        help_text=_("In whose name the client may make document requests and send letters."),
        error_messages={
            "required": _("Choose at least one team the client acts for."),
            "invalid_choice": _("Please choose teams of your jobcenter only."),
        },
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["teams"]
        field.queryset = teams  # type: ignore[attr-defined]
        field.required = teams.exists()
        # Every team is ticked at first (as with manage.py api_client_create).
        if not self.is_bound:
            self.initial.setdefault("teams", [team.uuid for team in teams])


class ApiClientScopesForm(forms.Form):
    scopes = _scopes_field()


class ApiKeyIssueForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=100,
        required=False,
        help_text=_("What the key is for, for example the server it is installed on."),
        widget=forms.TextInput(attrs={**INPUT, "autocomplete": "off"}),
    )


class WebhookAddForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address of the client that takes POST requests."),
        error_messages={
            "required": _("Please enter the address of the webhook."),
            "invalid": _("Please enter a full address, for example https://example.org/hooks."),
        },
        widget=forms.URLInput(attrs={**INPUT, "autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
        help_text=_("The client is told of an event only if it has the scope to read the object."),
        error_messages={
            "required": _("Choose at least one event."),
            "invalid_choice": _("Unknown event: %(value)s"),
        },
    )
