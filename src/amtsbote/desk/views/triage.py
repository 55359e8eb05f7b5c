"""Triage: the incoming documents that were not filed by themselves, decided one by one.

Every action form carries the version of the document the person looked at; when someone
else decided in the meantime the service raises ``EditConflict`` and the item is shown
again as it is now, with the person's own choice kept on screen (nothing is lost).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from amtsbote.accounts.models import User
from amtsbote.cases.models import Case
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.documents.models import DocumentType
from amtsbote.intake.access import access_intake_document_for_staff
from amtsbote.intake.constants import IntakeStatus
from amtsbote.intake.exceptions import EditConflict
from amtsbote.intake.models import IntakeDocument
from amtsbote.intake.selectors import intake_document_pages, triage_queue
from amtsbote.intake.services import (
    intake_document_assign,
    intake_document_discard,
    intake_document_merge,
    intake_document_rotate,
    intake_document_set_type,
    intake_document_split,
)

from ..decorators import staff_required
from ..forms_triage import (
    AssignForm,
    DiscardForm,
    MergeForm,
    RotateForm,
    SplitForm,
    TypeForm,
)
from .intake import cases_for_intake, intake_case_search, mailroom_user

QUEUE_LIMIT = 200
SUGGESTIONS_SHOWN = 5


# --- reads ------------------------------------------------------------------------------------


def _queue(user: User) -> QuerySet[IntakeDocument]:
    assert user.jobcenter is not None
    return triage_queue(jobcenter=user.jobcenter)


def _neighbour(user: User, intake: IntakeDocument, *, forward: bool) -> IntakeDocument | None:
    """The next (or previous) item of the queue, in its order (oldest first)."""
    queue = _queue(user).exclude(pk=intake.pk)
    if forward:
        after = Q(created_at__gt=intake.created_at) | Q(
            created_at=intake.created_at, id__gt=intake.pk
        )
        return queue.filter(after).first()
    before = Q(created_at__lt=intake.created_at) | Q(created_at=intake.created_at, id__lt=intake.pk)
    return queue.filter(before).order_by("-created_at", "-id").first()


def _suggestions(user: User, intake: IntakeDocument) -> list[dict[str, Any]]:
    """The identification's suggestions with the household's names (one query for all)."""
    shown = [s for s in intake.suggestions if isinstance(s, dict) and s.get("case")]
    shown = shown[:SUGGESTIONS_SHOWN]
    cases = {
        str(case.uuid): case
        for case in cases_for_intake(user)
        .filter(uuid__in=[s["case"] for s in shown])
        .prefetch_related("people")
    }
    result = []
    for number, suggestion in enumerate(shown, start=1):
        case = cases.get(str(suggestion["case"]))
        if case is not None:
            result.append(
                {
                    "key": number,
                    "case": case,
                    "names": ", ".join(f"{p.first_name} {p.last_name}" for p in case.people.all()),
                    "score": float(suggestion.get("score") or 0.0),
                    "reason": suggestion.get("reason", ""),
                }
            )
    return result


def _following(intake: IntakeDocument) -> IntakeDocument | None:
    """The next document of the same file, if it waits in triage too (it can be joined)."""
    following = (
        IntakeDocument.objects.filter(file_id=intake.file_id, first_page__gt=intake.last_page)
        .order_by("first_page")
        .first()
    )
    return following if following and following.status == IntakeStatus.TRIAGE else None


def _item_context(
    request: HttpRequest, user: User, intake: IntakeDocument, **extra: Any
) -> dict[str, Any]:
    types = list(DocumentType.objects.filter(is_active=True).order_by("name"))
    type_names = {t.code: t.name for t in types}
    pages = list(intake_document_pages(intake))
    for page in pages:
        page.position = page.index - intake.first_page + 1  # type: ignore[attr-defined]
    query = request.GET.get("q", "").strip()[:100]
    version = {"version": intake.version}
    return {
        "intake": intake,
        "in_triage": intake.status == IntakeStatus.TRIAGE,
        "pages": pages,
        "suggestions": _suggestions(user, intake),
        "type_name": type_names.get(intake.type_code, ""),
        "type_form": TypeForm(initial={**version, "type_code": intake.type_code}, types=types),
        "discard_form": DiscardForm(initial={**version, "reason": extra.pop("discard_reason", "")}),
        "following": _following(intake),
        "next_item": _neighbour(user, intake, forward=True),
        "previous_item": _neighbour(user, intake, forward=False),
        "queue_count": _queue(user).count(),
        "query": query,
        "results": intake_case_search(user, query) if query else None,
        **extra,
    }


# --- pages ------------------------------------------------------------------------------------


@require_GET
@staff_required
def triage(request: HttpRequest) -> HttpResponse:
    """The queue: what waits for a person, oldest first."""
    user = mailroom_user(request)
    queue = _queue(user)
    items = list(queue[:QUEUE_LIMIT])
    count = len(items) if len(items) < QUEUE_LIMIT else queue.count()
    type_names = dict(DocumentType.objects.values_list("code", "name"))
    for item in items:
        item.type_name = type_names.get(item.type_code, "")  # type: ignore[attr-defined]
    return render(request, "desk/intake/triage.html", {"items": items, "count": count})


@require_GET
@staff_required
def triage_item(request: HttpRequest, intake_uuid: uuid.UUID) -> HttpResponse:
    user = mailroom_user(request)
    intake = access_intake_document_for_staff(user, intake_uuid)
    return render(request, "desk/intake/triage_item.html", _item_context(request, user, intake))


@require_GET
@staff_required
def triage_case_search(request: HttpRequest, intake_uuid: uuid.UUID) -> HttpResponse:
    """htmx: cases matching the search field, each with an "assign" button."""
    user = mailroom_user(request)
    intake = access_intake_document_for_staff(user, intake_uuid)
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "desk/intake/_case_results.html",
        {"intake": intake, "query": query, "results": intake_case_search(user, query)},
    )


# --- actions ----------------------------------------------------------------------------------


def _after_decision(user: User, intake: IntakeDocument) -> HttpResponse:
    """On to the next item of the queue, or back to the (empty) queue."""
    following = _neighbour(user, intake, forward=True) or _queue(user).exclude(pk=intake.pk).first()
    if following is None:
        return redirect("desk:triage")
    return redirect("desk:triage_item", following.uuid)


def _act(
    request: HttpRequest,
    intake_uuid: uuid.UUID,
    form_class: Callable[..., forms.Form],
    do: Callable[[User, IntakeDocument, dict[str, Any]], HttpResponse],
    *,
    describe: Callable[[dict[str, Any]], str] = lambda data: "",
    keep: Callable[[forms.Form], dict[str, Any]] = lambda form: {},
) -> HttpResponse:
    """Run one triage action; a conflict or refusal shows the item again as it is now."""
    user = mailroom_user(request)
    intake = access_intake_document_for_staff(user, intake_uuid)
    form = form_class(request.POST)
    if not form.is_valid():
        error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return _again(request, user, intake, error=error, status=400, **keep(form))
    try:
        return do(user, intake, form.cleaned_data)
    except EditConflict as exc:
        intake.refresh_from_db()
        return _again(
            request,
            user,
            intake,
            error=exc.message,
            status=409,
            conflict=True,
            your_choice=describe(form.cleaned_data),
            **keep(form),
        )
    except AmtsboteError as exc:
        intake.refresh_from_db()
        return _again(request, user, intake, error=exc.message, status=400, **keep(form))


def _again(
    request: HttpRequest, user: User, intake: IntakeDocument, *, status: int, **extra: Any
) -> HttpResponse:
    context = _item_context(request, user, intake, **extra)
    return render(request, "desk/intake/triage_item.html", context, status=status)


def _reload(intake: IntakeDocument) -> HttpResponse:
    return redirect("desk:triage_item", intake.uuid)


@require_POST
@staff_required
def triage_assign(request: HttpRequest, intake_uuid: uuid.UUID) -> HttpResponse:
    def do(user: User, intake: IntakeDocument, data: dict[str, Any]) -> HttpResponse:
        case = cases_for_intake(user).filter(uuid=data["case"]).first()
        if case is None:
            raise Http404("no such case")
        intake_document_assign(
            intake_document=intake, case=case, actor=user, expected_version=data["version"]
        )
        messages.success(
            request,
            _("Filed into household %(bg)s.") % {"bg": case.bg_number},
        )
        return _after_decision(user, intake)

    def describe(data: dict[str, Any]) -> str:
        case = Case.objects.filter(uuid=data["case"]).values_list("bg_number", flat=True).first()
        return _("file into household %(bg)s") % {"bg": case or "?"}

    return _act(request, intake_uuid, AssignForm, do, describe=describe)


@require_POST
@staff_required
def triage_set_type(request: HttpRequest, intake_uuid: uuid.UUID) -> HttpResponse:
    types = list(DocumentType.objects.filter(is_active=True).order_by("name"))

    def form_class(data: Any) -> TypeForm:
        return TypeForm(data, types=types)

    def do(user: User, intake: IntakeDocument, data: dict[str, Any]) -> HttpResponse:
        intake_document_set_type(
            intake_document=intake,
            type_code=data["type_code"],
            actor=user,
            expected_version=data["version"],
        )
        messages.success(request, _("The document type is saved."))
        return _reload(intake)

    def describe(data: dict[str, Any]) -> str:
        names = {t.code: t.name for t in types}
        return _("document type %(type)s") % {
            "type": names.get(data["type_code"], _("unclassified"))
        }

    return _act(request, intake_uuid, form_class, do, describe=describe)


@require_POST
@staff_required
def triage_rotate(request: HttpRequest, intake_uuid: uuid.UUID) -> HttpResponse:
    def do(user: User, intake: IntakeDocument, data: dict[str, Any]) -> HttpResponse:
        if data["page"] is None:
            indexes = list(intake_document_pages(intake).values_list("index", flat=True))
        else:
            indexes = [data["page"]]
        version = data["version"]
        with transaction.atomic():  # all pages or none
            for index in indexes:
                # Each turn is its own small edit; the version moves on with each of them.
                turned = intake_document_rotate(
                    intake_document=intake,
                    page_index=index,
                    degrees=data["degrees"],
                    actor=user,
                    expected_version=version,
                )
                version = turned.version
        return _reload(intake)

    def describe(data: dict[str, Any]) -> str:
        return _("turn pages by %(degrees)d°") % {"degrees": data["degrees"]}

    return _act(request, intake_uuid, RotateForm, do, describe=describe)


@require_POST
@staff_required
def triage_split(request: HttpRequest, intake_uuid: uuid.UUID) -> HttpResponse:
    def do(user: User, intake: IntakeDocument, data: dict[str, Any]) -> HttpResponse:
        intake_document_split(
            intake_document=intake,
            at_page=intake.first_page + data["after"],
            actor=user,
            expected_version=data["version"],
        )
        messages.success(
            request,
            _("Split after page %(page)d; the rest is a document of its own in the queue.")
            % {"page": data["after"]},
        )
        return _reload(intake)

    def describe(data: dict[str, Any]) -> str:
        return _("split after page %(page)d") % {"page": data["after"]}

    return _act(request, intake_uuid, SplitForm, do, describe=describe)


@require_POST
@staff_required
def triage_merge(request: HttpRequest, intake_uuid: uuid.UUID) -> HttpResponse:
    def do(user: User, intake: IntakeDocument, data: dict[str, Any]) -> HttpResponse:
        following = access_intake_document_for_staff(user, data["following"])
        intake_document_merge(
            intake_document=intake,
            following=following,
            actor=user,
            expected_version=data["version"],
            following_expected_version=data["following_version"],
        )
        messages.success(request, _("The following document is joined to this one."))
        return _reload(intake)

    return _act(
        request,
        intake_uuid,
        MergeForm,
        do,
        describe=lambda data: _("join with the following document"),
    )


@require_POST
@staff_required
def triage_discard(request: HttpRequest, intake_uuid: uuid.UUID) -> HttpResponse:
    def do(user: User, intake: IntakeDocument, data: dict[str, Any]) -> HttpResponse:
        intake_document_discard(
            intake_document=intake,
            actor=user,
            expected_version=data["version"],
            reason=data["reason"].strip(),
        )
        messages.success(request, _("The document was put aside; nothing was filed."))
        return _after_decision(user, intake)

    def describe(data: dict[str, Any]) -> str:
        return _("put aside (reason: %(reason)s)") % {"reason": data["reason"] or "–"}

    def keep(form: forms.Form) -> dict[str, Any]:
        # The reason typed is shown again in the field (with the current version).
        return {"discard_reason": form.data.get("reason", "")}

    return _act(request, intake_uuid, DiscardForm, do, describe=describe, keep=keep)
