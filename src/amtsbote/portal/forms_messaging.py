"""Forms of the portal's messages: a new message (topic, text, photos/files), an answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amtsbote.messaging.models import Topic

TEXT = {"class": "kern-form-input__input", "rows": 6}


class TopicChoiceField(forms.ModelChoiceField[Topic]):
    def label_from_instance(self, obj: Topic) -> str:
        return obj.display_label


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs=TEXT),
    )


class ThreadForm(MessageForm):
    topic = TopicChoiceField(
        label=_("What is it about?"),
        queryset=Topic.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect(attrs={"class": "kern-form-choice__input"}),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "kern-form-input__input"}),
    )
    field_order = ["topic", "subject", "body"]

    def __init__(self, *args: Any, topics: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["topic"]
        assert isinstance(field, TopicChoiceField)
        field.queryset = topics
