"""Representatives in the portal: who acts for whom ("Vertretung"), the switcher, and the
customer's own grants (give and revoke)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from amtsbote.cases.access import (
    ACTING_SESSION_KEY,
    access_representation_for_customer,
    access_representation_for_representative,
    acting_representation,
    representations_of,
)
from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.models import Person, Representation
from amtsbote.cases.services_representation import (
    representation_invite_by_customer,
    representation_revoke,
)
from amtsbote.core import refcodes
from amtsbote.core.exceptions import AmtsboteError

from .http import AuthenticatedRequest


def acting_for(request: HttpRequest) -> Representation | None:
    """The grant the signed-in account acts under in this request (cached), or None."""
    if not request.user.is_authenticated:
        return None
    if not hasattr(request, "_amtsbote_acting"):
        request._amtsbote_acting = acting_representation(  # type: ignore[attr-defined]
            request.user,  # type: ignore[arg-type]
            request.session,
        )
    return request._amtsbote_acting  # type: ignore[attr-defined, no-any-return]


def require_scope(request: HttpRequest, scope: str) -> Representation | None:
    """For a page of the customer's affairs: the grant acted under if it has ``scope``
    (404 if it has not), or None when the account acts for itself."""
    grant = acting_for(request)
    if grant is not None and not grant.has_scope(scope):
        raise Http404("not in the representative's scope")
    return grant


def own_person(request: HttpRequest) -> Person:
    """The signed-in customer's own person, for a page of one's own affairs: 404 without a
    household or while acting for someone (messages and forms take the represented person
    from ``require_scope`` first, see views/messages.py and views/eforms.py)."""
    person = getattr(request.user, "person", None)
    if person is None or acting_for(request) is not None:
        raise Http404("no household of one's own, or acting for someone")
    return person


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@login_required
def representation(request: AuthenticatedRequest) -> HttpResponse:
    """ "Vertretung": whom I act for (and switching), and whom I let act for me.

    Giving access always makes an invitation with a code to pass on, whether or not the
    address has an account: the page never tells which addresses have one."""
    person = getattr(request.user, "person", None)
    form = {"email": "", "kind": "", "scopes": [], "valid_until": "", "note": ""}
    invitation: dict[str, object] | None = None
    status = 200
    if request.method == "POST":
        if person is None:
            raise Http404("no household linked")
        form = {
            "email": request.POST.get("email", ""),
            "kind": request.POST.get("kind", ""),
            "scopes": request.POST.getlist("scopes"),
            "valid_until": request.POST.get("valid_until", ""),
            "note": request.POST.get("note", ""),
        }
        try:
            grant, code = representation_invite_by_customer(
                customer=request.user,
                email=str(form["email"]),
                kind=str(form["kind"]),
                scopes=list(form["scopes"]),
                valid_until=_parse_date(str(form["valid_until"])),
                note=str(form["note"]),
            )
        except AmtsboteError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            # The code is shown on this response only (no redirect): it is not stored.
            invitation = {"grant": grant, "code": refcodes.group(code)}
            form = {"email": "", "kind": "", "scopes": [], "valid_until": "", "note": ""}
    own = (
        Representation.objects.filter(person=person)
        .select_related("representative")
        .prefetch_related("activation_codes")
        .order_by("-created_at", "-id")
        if person is not None
        else Representation.objects.none()
    )
    response = render(
        request,
        "portal/representation.html",
        {
            "person": person,
            "acting": acting_for(request),
            "grants_held": list(representations_of(request.user)),
            "own_grants": list(own),
            "kinds": RepresentationKind.choices,
            "scopes": RepresentationScope.choices,
            "form": form,
            "invitation": invitation,
        },
        status=status,
    )
    if invitation is not None:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def representation_revoke_view(
    request: AuthenticatedRequest, representation_uuid: str
) -> HttpResponse:
    grant = access_representation_for_customer(request.user, representation_uuid)
    representation_revoke(representation=grant, actor=request.user)
    messages.success(request, _("The access was revoked."))
    return redirect("portal:representation")


@require_POST
@login_required
def acting_switch(request: AuthenticatedRequest) -> HttpResponse:
    """Choose whom to act for (a grant in force), or ``self`` for one's own affairs."""
    chosen = request.POST.get("representation", "")
    if chosen == "self":
        if getattr(request.user, "person", None) is None:
            raise Http404("no household linked")
        request.session[ACTING_SESSION_KEY] = ""
    else:
        grant = access_representation_for_representative(request.user, chosen)
        request.session[ACTING_SESSION_KEY] = str(grant.uuid)
    return redirect("portal:home")
