"""Online forms in the portal: choose a form, fill it in step by step (a draft is kept on
the server after every step), check the summary, send, get a receipt and, where documents
follow by rule, send them right away."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from amtsbote.core.exceptions import AmtsboteError
from amtsbote.core.http import file_response
from amtsbote.core.sealing import seal_pdf
from amtsbote.documents.processing import html_to_pdf
from amtsbote.eforms import engine
from amtsbote.eforms.access import (
    access_definition,
    access_form_submission_for_customer,
)
from amtsbote.eforms.definitions import registry
from amtsbote.eforms.definitions.base import FormDefinition
from amtsbote.eforms.models import FormDraft
from amtsbote.eforms.selectors import draft_for_customer, drafts_for_customer
from amtsbote.eforms.selectors import submissions_for_customer as form_submissions
from amtsbote.eforms.services import draft_discard, draft_start, draft_step_save, form_submit

from .http import AuthenticatedRequest
from .representation import own_person


def _draft(request: AuthenticatedRequest, definition: FormDefinition) -> FormDraft:
    own_person(request)
    draft = draft_for_customer(request.user, definition.code)
    if draft is None:
        raise Http404("no draft")
    return draft


def _draft_definition(draft: FormDraft) -> FormDefinition:
    definition = registry.get(draft.form_code, draft.form_version)
    if definition is None:
        raise Http404("no such form version")
    return definition


@login_required
def forms_index(request: AuthenticatedRequest) -> HttpResponse:
    own_person(request)
    drafts = drafts_for_customer(request.user)
    return render(
        request,
        "portal/eforms/index.html",
        {
            "forms": [{"definition": d, "draft": drafts.get(d.code)} for d in registry.current()],
            "sent": list(form_submissions(request.user)[:10]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def form_start(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """GET: what the form is for, and whether a draft waits. POST: start or continue."""
    definition = access_definition(code)
    own_person(request)
    if request.method == "POST":
        started = draft_start(user=request.user, definition=definition)
        if started.step == "summary":
            return redirect("portal:form_summary", code=code)
        return redirect("portal:form_step", code=code, step=started.step or definition.steps[0].key)
    return render(
        request,
        "portal/eforms/start.html",
        {"definition": definition, "draft": draft_for_customer(request.user, code)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def form_step(request: AuthenticatedRequest, code: str, step: str) -> HttpResponse:
    draft = _draft(request, access_definition(code))
    definition = _draft_definition(draft)
    step_def = definition.step(step)
    active = definition.active_steps(draft.data)
    if step_def is None or step_def not in active:
        raise Http404("no such step")
    if request.method == "POST":
        form = engine.step_form(step_def, data=request.POST)
        if form.is_valid():
            draft = draft_step_save(
                draft=draft,
                user=request.user,
                step_key=step,
                values=engine.cleaned_to_json(form),
            )
            if draft.step == "summary":
                return redirect("portal:form_summary", code=code)
            return redirect("portal:form_step", code=code, step=draft.step)
        status = 400
    else:
        form = engine.step_form(step_def, initial=draft.data.get(step))
        status = 200
    position = active.index(step_def)
    return render(
        request,
        "portal/eforms/step.html",
        {
            "definition": definition,
            "draft": draft,
            "step": step_def,
            "form": form,
            "number": position + 1,
            "total": len(active),
            "previous": active[position - 1] if position else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def form_summary(request: AuthenticatedRequest, code: str) -> HttpResponse:
    draft = _draft(request, access_definition(code))
    definition = _draft_definition(draft)
    error = ""
    if request.method == "POST":
        try:
            submission = form_submit(draft=draft, user=request.user)
        except AmtsboteError as exc:
            error = exc.message
        else:
            return redirect("portal:form_receipt", submission_uuid=submission.uuid)
    problems = engine.validate_all(definition, draft.data)
    sections = engine.summary(definition, draft.data)
    for section in sections:
        section["problems"] = problems.get(section["key"], [])
    return render(
        request,
        "portal/eforms/summary.html",
        {
            "definition": definition,
            "draft": draft,
            "sections": sections,
            "problems": problems,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def form_discard(request: AuthenticatedRequest, code: str) -> HttpResponse:
    draft = _draft(request, access_definition(code))
    draft_discard(draft=draft, user=request.user)
    messages.success(request, _("Your draft was deleted."))
    return redirect("portal:forms")


@login_required
def form_receipt(request: AuthenticatedRequest, submission_uuid: str) -> HttpResponse:
    submission = access_form_submission_for_customer(request.user, submission_uuid)
    definition = registry.get(submission.form_code, submission.form_version)
    return render(
        request,
        "portal/eforms/receipt.html",
        {
            "submission": submission,
            "definition": definition,
            "sections": engine.summary(definition, submission.data) if definition else [],
            "follow_ups": [r for r in submission.follow_ups.all() if r.is_open],
        },
    )


@login_required
def form_receipt_pdf(request: AuthenticatedRequest, submission_uuid: str) -> HttpResponse:
    """The receipt as a sealed PDF, in the customer's language; checkable on the verify page."""
    submission = access_form_submission_for_customer(request.user, submission_uuid)
    html = render_to_string(
        "portal/eforms/receipt_pdf.html",
        {
            "submission": submission,
            "jobcenter": submission.case.jobcenter,
            "verify_url": settings.SITE_URL + reverse("portal:verify"),
        },
        request=request,
    )
    pdf = seal_pdf(
        html_to_pdf(html),
        reason=_("Receipt %(reference)s") % {"reference": submission.reference},
        location=submission.case.jobcenter.name,
    )
    return file_response(
        pdf,
        content_type="application/pdf",
        filename=f"Eingangsbestaetigung-{submission.reference}.pdf",
    )
