"""Full-text search over the documents the staff member may see (jobcenter or one case)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from amtsbote.accounts.models import User
from amtsbote.cases.access import access_case_for_staff
from amtsbote.cases.models import FilePlanEntry
from amtsbote.documents.constants import Source
from amtsbote.documents.models import DocumentType
from amtsbote.documents.search import search_documents

from ..decorators import staff_required

RESULTS = 50


class DocumentSearchForm(forms.Form):
    """The query and its filters; every field is optional, the values are codes."""

    q = forms.CharField(
        label=_("Search words"),
        required=False,
        max_length=200,
        help_text=_('Several words: all must occur. "Exact phrase", or, -exclude.'),
        widget=forms.TextInput(attrs={"type": "search", "class": "kern-form-input__input"}),
    )
    type = forms.ModelChoiceField(
        label=_("Document type"),
        queryset=DocumentType.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("all"),
        widget=forms.Select(attrs={"class": "kern-form-input__select"}),
    )
    register = forms.ModelChoiceField(
        label=_("Register"),
        queryset=FilePlanEntry.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("all"),
        widget=forms.Select(attrs={"class": "kern-form-input__select"}),
    )
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[("", _("all")), *Source.choices],
        required=False,
        widget=forms.Select(attrs={"class": "kern-form-input__select"}),
    )
    received_from = forms.DateField(
        label=_("Received from"),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(
            attrs={"type": "date", "class": "kern-form-input__input"}, format="%Y-%m-%d"
        ),
    )
    received_to = forms.DateField(
        label=_("Received until"),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(
            attrs={"type": "date", "class": "kern-form-input__input"}, format="%Y-%m-%d"
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        registers = FilePlanEntry.objects.none()
        if user.jobcenter_id is not None:
            registers = FilePlanEntry.objects.filter(jobcenter_id=user.jobcenter_id)
        self.fields["register"].queryset = registers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end of the period lies before its start."))
        return cleaned

    @property
    def has_criteria(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


@require_GET
@staff_required
def search(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = access_case_for_staff(user, request.GET["case"]) if request.GET.get("case") else None
    form = DocumentSearchForm(request.GET or None, user=user)
    hits = None
    if form.has_criteria and form.is_valid():
        data = form.cleaned_data
        hits = search_documents(
            user=user,
            query=data["q"],
            case=case,
            document_type=data["type"],
            register_code=data["register"].code if data["register"] else None,
            received_from=data["received_from"],
            received_to=data["received_to"],
            source=data["source"] or None,
            limit=RESULTS,
        )
    return render(
        request,
        "desk/search.html",
        {"form": form, "case": case, "hits": hits, "limit": RESULTS},
    )
