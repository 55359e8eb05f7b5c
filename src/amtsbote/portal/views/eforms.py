"""Online forms in the portal: choose a form, fill it in step by step (a draft is kept on
the server after every step), check the summary, send, get a receipt and, where documents
follow by rule, send them right away.

A representative acting under a grant with "submit forms" (see ``representation.py``)
fills in and sends forms in the name of the person they act for; their drafts are kept
apart from the customer's own. Every page here is 404 under a grant without that scope."""

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

from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.models import Person
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
from amtsbote.eforms.models import FormDraft, FormSubmission
from amtsbote.eforms.selectors import (
    draft_for_customer,
    drafts_for_customer,
    submissions_for_representative,
)
from amtsbote.eforms.selectors import submissions_for_customer as form_submissions
from amtsbote.eforms.services import draft_discard, draft_start, draft_step_save, form_submit

from .http import AuthenticatedRequest
from .representation import acting_for, own_person, require_scope


def _acting(request: AuthenticatedRequest) -> tuple[Person, Person | None]:
    """Whose forms these are, and for whom the account sends: ``(person, None)`` for the
    customer's own, ``(person, person)`` for a representative acting under a grant with
    "submit forms". 404 under a grant without that scope, and for an account without a
    household of its own that acts for nobody."""
    grant = require_scope(request, RepresentationScope.SUBMIT_FORMS)
    if grant is not None:
        return grant.person, grant.person
    return own_person(request), None


def _draft(request: AuthenticatedRequest, definition: FormDefinition) -> FormDraft:
    person, _on_behalf_of = _acting(request)
    draft = draft_for_customer(request.user, person, definition.code)
    if draft is None:
        raise Http404("no draft")
    return draft


def sent_by(submission: FormSubmission) -> str:
    """Who sent the form, as the receipt names it: the customer, or "Rita Rat for Anna
    Schmidt (representative)"."""
    if submission.on_behalf_of_id is None:
        return submission.person.full_name
    sender = submission.submitted_by
    return _("%(representative)s for %(person)s (representative)") % {
        "representative": sender.get_full_name() or sender.email,
        "person": submission.person.full_name,
    }


def _draft_definition(draft: FormDraft) -> FormDefinition:
    definition = registry.get(draft.form_code, draft.form_version)
    if definition is None:
        raise Http404("no such form version")
    return definition


@login_required
def forms_index(request: AuthenticatedRequest) -> HttpResponse:
    person, on_behalf_of = _acting(request)
    drafts = drafts_for_customer(request.user, person)
    sent = (
        submissions_for_representative(request.user, on_behalf_of)
        if on_behalf_of is not None
        else form_submissions(request.user)
    )
    return render(
        request,
        "portal/eforms/index.html",
        {
            "forms": [{"definition": d, "draft": drafts.get(d.code)} for d in registry.current()],
            "sent": list(sent[:10]),
            "on_behalf_of": on_behalf_of,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def form_start(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """GET: what the form is for, and whether a draft waits. POST: start or continue."""
    definition = access_definition(code)
    person, on_behalf_of = _acting(request)
    if request.method == "POST":
        started = draft_start(user=request.user, definition=definition, on_behalf_of=on_behalf_of)
        if started.step == "summary":
            return redirect("portal:form_summary", code=code)
        return redirect("portal:form_step", code=code, step=started.step or definition.steps[0].key)
    return render(
        request,
        "portal/eforms/start.html",
        {
            "definition": definition,
            "draft": draft_for_customer(request.user, person, code),
            "on_behalf_of": on_behalf_of,
        },
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
            "on_behalf_of": draft.person if draft.person.user_id != request.user.pk else None,
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


def _receipt_submission(request: AuthenticatedRequest, submission_uuid: str) -> FormSubmission:
    _person, on_behalf_of = _acting(request)
    return access_form_submission_for_customer(
        request.user, submission_uuid, on_behalf_of=on_behalf_of
    )


@login_required
def form_receipt(request: AuthenticatedRequest, submission_uuid: str) -> HttpResponse:
    submission = _receipt_submission(request, submission_uuid)
    definition = registry.get(submission.form_code, submission.form_version)
    grant = acting_for(request)
    return render(
        request,
        "portal/eforms/receipt.html",
        {
            "submission": submission,
            "definition": definition,
            "sections": engine.summary(definition, submission.data) if definition else [],
            "follow_ups": [r for r in submission.follow_ups.all() if r.is_open],
            "sent_by": sent_by(submission),
            # The follow-ups' upload page needs "upload" when acting for someone.
            "may_upload": grant is None or grant.has_scope(RepresentationScope.UPLOAD),
        },
    )


@login_required
def form_receipt_pdf(request: AuthenticatedRequest, submission_uuid: str) -> HttpResponse:
    """The receipt as a sealed PDF, in the customer's language; checkable on the verify page."""
    submission = _receipt_submission(request, submission_uuid)
    html = render_to_string(
        "portal/eforms/receipt_pdf.html",
        {
            "submission": submission,
            "jobcenter": submission.case.jobcenter,
            "verify_url": settings.SITE_URL + reverse("portal:verify"),
            "sent_by": sent_by(submission),
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
