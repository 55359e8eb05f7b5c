"""The reason form in front of a case outside one's teams (desk/views/breakglass.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amtsbote.cases.constants import BreakGlassReason
from amtsbote.cases.services import BREAK_GLASS_REASON_MIN_LENGTH


class BreakGlassForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Reason"),
        choices=BreakGlassReason.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Explain why you need this case"),
        min_length=BREAK_GLASS_REASON_MIN_LENGTH,
        max_length=1000,
        help_text=_("The reason is recorded and shown to the team leads of your jobcenter."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "kern-form-input__input"}),
    )
