"""Full-text search over the documents the staff member may see (jobcenter or one case)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
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

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The element that htmx swaps when another page of results is asked for.
RESULTS_TARGET = "search-results"

_INPUT = "kern-form-input__input"
_SELECT = {"class": "kern-form-input__select"}


def _code_choice(label: StrOrPromise, queryset: QuerySet[Any]) -> forms.ModelChoiceField:
    """A choice among catalogue entries, submitted as their code; "all" when left empty."""
    return forms.ModelChoiceField(
        label=label,
        queryset=queryset,
        to_field_name="code",
        required=False,
        empty_label=_("all"),
        widget=forms.Select(attrs=_SELECT),
    )


def _date(label: StrOrPromise) -> forms.DateField:
    """A date as the browser's date picker sends it, or typed the German way."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date", "class": _INPUT}, format="%Y-%m-%d"),
    )


class DocumentSearchForm(forms.Form):
    """The query and its filters; every field is optional, the values are codes."""

    q = forms.CharField(
        label=_("Search words"),
        required=False,
        max_length=200,
        help_text=_('Several words: all must occur. "Exact phrase", or, -exclude.'),
        widget=forms.TextInput(attrs={"type": "search", "class": _INPUT}),
    )
    type = _code_choice(_("Document type"), DocumentType.objects.order_by("name"))
    # The registers of the user's jobcenter (set in __init__).
    register = _code_choice(_("Register"), FilePlanEntry.objects.none())
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[("", _("all")), *Source.choices],
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    received_from = _date(_("Received from"))
    received_to = _date(_("Received until"))

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


def _page_number(request: HttpRequest) -> int:
    """``?page=`` as a number; anything else is the first page (a page past the end, the last)."""
    value = request.GET.get("page", "")
    return int(value) if value.isdecimal() and len(value) < 7 else 1


@require_GET
@staff_required
def search(request: HttpRequest) -> HttpResponse:
    """The search page; a link to another page of results swaps only the results (htmx).

    Every link is a plain GET with the query, the filters and the page in the query string,
    so paging works without JavaScript too.
    """
    user: User = request.user  # type: ignore[assignment]
    case = access_case_for_staff(user, request.GET["case"]) if request.GET.get("case") else None
    form = DocumentSearchForm(request.GET or None, user=user)
    results = None
    if form.has_criteria and form.is_valid():
        data = form.cleaned_data
        results = search_documents(
            user=user,
            query=data["q"],
            case=case,
            document_type=data["type"],
            register_code=data["register"].code if data["register"] else None,
            received_from=data["received_from"],
            received_to=data["received_to"],
            source=data["source"] or None,
            page=_page_number(request),
        )
    context = {
        "form": form,
        "case": case,
        "results": results,
        "results_target": RESULTS_TARGET,
    }
    if request.htmx and request.htmx.target == RESULTS_TARGET:  # type: ignore[attr-defined]
        return render(request, "desk/_search_results.html", {**context, "swapped": True})
    return render(request, "desk/search.html", context)
