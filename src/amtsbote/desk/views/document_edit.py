"""Editing a document's title, type and register, safe against two people saving at once."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from amtsbote.accounts.models import User
from amtsbote.cases.models import FilePlanEntry
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.documents.access import access_document_for_staff
from amtsbote.documents.models import Document, DocumentType
from amtsbote.documents.services import EditConflict, document_update_metadata

from ..decorators import staff_required


class DocumentMetadataForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "kern-form-input__input"}),
    )
    document_type = forms.ModelChoiceField(
        label=gettext_lazy("Document type"),
        queryset=DocumentType.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
        widget=forms.Select(attrs={"class": "kern-form-input__select"}),
    )
    register = forms.ModelChoiceField(
        label=gettext_lazy("Register"),
        queryset=FilePlanEntry.objects.none(),
        to_field_name="code",
        empty_label=None,
        widget=forms.Select(attrs={"class": "kern-form-input__select"}),
    )
    # The version the editor loaded; a save based on an older one is a conflict.
    lock_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, document: Document, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        registers = FilePlanEntry.objects.filter(jobcenter_id=document.case.jobcenter_id)
        self.fields["register"].queryset = registers  # type: ignore[attr-defined]
        # A document without a type may stay so (the service cannot take a type away).
        self.fields["document_type"].required = document.document_type_id is not None


def _initial(document: Document) -> dict[str, Any]:
    return {
        "title": document.title,
        "document_type": document.document_type.code if document.document_type else "",
        "register": document.register.code,
        "lock_version": document.lock_version,
    }


@require_http_methods(["GET", "POST"])
@staff_required
def document_edit(request: HttpRequest, document_uuid: uuid.UUID) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    document = access_document_for_staff(user, document_uuid)
    conflict: EditConflict | None = None
    if request.method != "POST":
        form = DocumentMetadataForm(initial=_initial(document), document=document)
    else:
        form = DocumentMetadataForm(request.POST, document=document)
        if form.is_valid():
            data = form.cleaned_data
            try:
                document_update_metadata(
                    document=document,
                    actor=user,
                    expected_version=data["lock_version"],
                    title=data["title"],
                    document_type=data["document_type"],
                    register=data["register"],
                )
            except EditConflict as exc:
                conflict = exc
                # Keep everything the user typed; a new save (now knowingly) builds on what
                # the other person saved.
                post = request.POST.copy()
                post["lock_version"] = str(exc.current.lock_version)
                form = DocumentMetadataForm(post, document=exc.current)
                form.is_valid()
            except AmtsboteError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The document was saved."))
                return redirect("desk:document_detail", document_uuid=document.uuid)
    return render(
        request,
        "desk/document_edit.html",
        {"document": document, "case": document.case, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )
