"""Requests started by a rule (a customer's online form), not by staff."""

from __future__ import annotations

import pytest

from amtsbote.core.exceptions import PermissionDenied, ValidationFailed
from amtsbote.doc_requests.services import ItemSpec, doc_request_create_follow_up
from amtsbote.documents.models import DocumentType

pytestmark = pytest.mark.django_db


def items() -> list[ItemSpec]:
    return [ItemSpec(document_type=DocumentType.objects.get(code="mietvertrag"))]


def test_a_member_of_the_household_starts_it_for_a_team_of_the_case(
    customer_anna, case_anna, team_leistung
):
    request = doc_request_create_follow_up(
        case=case_anna, team=team_leistung, customer=customer_anna, items=items()
    )
    assert request.created_by == customer_anna and request.team == team_leistung
    assert request.legal_hint and request.items.get().label == "Mietvertrag"


def test_somebody_from_another_household_cannot(customer_carl, case_anna, team_leistung):
    with pytest.raises(PermissionDenied):
        doc_request_create_follow_up(
            case=case_anna, team=team_leistung, customer=customer_carl, items=items()
        )


def test_only_a_team_that_works_on_the_case(customer_anna, case_anna, jobcenter, stranger_sara):
    with pytest.raises(PermissionDenied):
        doc_request_create_follow_up(
            case=case_anna,
            team=jobcenter.teams.get(name="Eingangszone"),
            customer=customer_anna,
            items=items(),
        )
    with pytest.raises(PermissionDenied):
        doc_request_create_follow_up(
            case=case_anna,
            team=stranger_sara.teams.get(),
            customer=customer_anna,
            items=items(),
        )


def test_nothing_to_ask_for_is_refused(customer_anna, case_anna, team_leistung):
    with pytest.raises(ValidationFailed):
        doc_request_create_follow_up(
            case=case_anna, team=team_leistung, customer=customer_anna, items=[]
        )
