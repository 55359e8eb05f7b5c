"""Forms of the desk's postbox: a new letter (uploaded PDF or from a template), posting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amtsbote.cases.models import Case, Person
from amtsbote.doc_requests.models import DocRequest
from amtsbote.postbox.constants import LetterKind, LetterTemplate, LetterTopic

SELECT = {"class": "kern-form-input__select"}
INPUT = {"class": "kern-form-input__input"}


class LetterForm(forms.Form):
    addressee: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        label=_("Addressee"),
        queryset=Person.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs=SELECT),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=LetterKind.choices, widget=forms.Select(attrs=SELECT)
    )
    template = forms.ChoiceField(
        label=_("Made from"),
        choices=LetterTemplate.choices,
        initial=LetterTemplate.UPLOAD,
        widget=forms.Select(attrs=SELECT),
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=200, required=False, widget=forms.TextInput(attrs=INPUT)
    )
    topic = forms.ChoiceField(
        label=_("Topic for the customer"),
        choices=[("", _("(none)")), *LetterTopic.choices],
        required=False,
        help_text=_("The portal names it in the customer's language; the letter stays German."),
        widget=forms.Select(attrs=SELECT),
    )
    pdf = forms.FileField(
        label=_("PDF from the benefits software"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    body = forms.CharField(
        label=_("Text of the letter (German)"),
        required=False,
        max_length=10000,
        help_text=_("Generic letter and reminder: one paragraph per blank line."),
        widget=forms.Textarea(attrs={"rows": 6, "class": "kern-form-input__input"}),
    )
    deadline = forms.DateField(
        label=_("Deadline (reminder)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", **INPUT}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    doc_request: forms.ModelChoiceField[DocRequest] = forms.ModelChoiceField(
        label=_("Document request"),
        queryset=DocRequest.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressee"].queryset = case.people.all()  # type: ignore[attr-defined]
        self.fields["doc_request"].queryset = DocRequest.objects.filter(  # type: ignore[attr-defined]
            case=case
        ).order_by("-created_at")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        template = data.get("template")
        if template == LetterTemplate.UPLOAD:
            if not data.get("pdf"):
                self.add_error("pdf", _("Please choose the PDF to send."))
            if not data.get("subject"):
                self.add_error("subject", _("Please enter a subject."))
        elif template == LetterTemplate.DOC_REQUEST:
            if not data.get("doc_request"):
                self.add_error("doc_request", _("Please choose the document request."))
            data["kind"] = LetterKind.LETTER
        elif template == LetterTemplate.ACTIVATION:
            data["kind"] = LetterKind.LETTER
        elif template in (LetterTemplate.GENERIC, LetterTemplate.REMINDER):
            if not data.get("subject"):
                self.add_error("subject", _("Please enter a subject."))
            if not data.get("body", "").strip():
                self.add_error("body", _("Please write the text of the letter."))
        return data

    @property
    def paragraphs(self) -> list[str]:
        body = self.cleaned_data.get("body", "").replace("\r\n", "\n")
        return [part.strip() for part in body.split("\n\n") if part.strip()]


class PostedForm(forms.Form):
    posted_on = forms.DateField(
        label=_("Posted on"),
        widget=forms.DateInput(attrs={"type": "date", **INPUT}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        initial=timezone.localdate,
    )
