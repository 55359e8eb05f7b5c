"""The accessibility statement's feedback form: report a barrier, optionally with a contact."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from amtsbote.core.accessibility import message_max_length

INPUT = {"class": "kern-form-input__input"}


class AccessibilityFeedbackForm(forms.Form):
    message = forms.CharField(
        label=_("What does not work for you?"),
        help_text=_("Describe the barrier and the page where you found it."),
        widget=forms.Textarea(attrs={**INPUT, "rows": 6}),
        error_messages={"required": _("Please describe the barrier.")},
    )
    page_url = forms.CharField(
        label=_("Page (address)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={**INPUT, "dir": "ltr", "inputmode": "url"}),
    )
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**INPUT, "autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address, if you would like an answer"),
        required=False,
        widget=forms.EmailInput(attrs={**INPUT, "autocomplete": "email", "dir": "ltr"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = message_max_length()
        message = self.fields["message"]
        assert isinstance(message, forms.CharField)
        message.max_length = limit
        message.validators.append(MaxLengthValidator(limit))
        message.widget.attrs["maxlength"] = str(limit)
