"""Tags for the representatives section of the case page (desk/_representatives.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from amtsbote.cases.constants import RepresentationKind, RepresentationScope
from amtsbote.cases.models import Case, Representation

register = template.Library()


@register.simple_tag
def representations_of_case(case: Case) -> list[Representation]:
    """Every grant of the household, in force, pending or not, newest first (with the
    invitation codes of pending grants: ``Representation.invitation``)."""
    return list(
        Representation.objects.filter(case=case)
        .select_related("person", "representative", "granted_by", "revoked_by")
        .prefetch_related("activation_codes")
        .order_by("-created_at", "-id")
    )


@register.simple_tag
def representation_choices() -> dict[str, Any]:
    return {"kinds": RepresentationKind.choices, "scopes": RepresentationScope.choices}


@register.simple_tag
def sent_by_representative(document: Any) -> str:
    """For a document a representative sent in a customer's name: "Rita Rat for Anna
    Schmidt (representative)"; empty for the customer's own or the jobcenter's documents."""
    user = getattr(document, "submitted_by", None)
    if user is None:
        return ""
    own = getattr(user, "person", None)
    if own is not None and own.case_id == document.case_id:
        return ""
    grant = (
        Representation.objects.filter(representative=user, case_id=document.case_id)
        .select_related("person")
        .order_by("-created_at", "-id")
        .first()
    )
    if grant is None:
        return ""
    return _("%(representative)s for %(person)s (representative)") % {
        "representative": user.get_full_name() or user.email,
        "person": grant.person.full_name,
    }
