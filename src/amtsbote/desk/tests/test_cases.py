from __future__ import annotations

import pytest
from django.urls import reverse

from amtsbote.cases.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["96201BG0012345", "955D123456", "Anna Schmidt", "schmidt"])
def test_case_search_finds_the_household(client_ben, customer_anna, customer_carl, query):
    response = client_ben.get(reverse("desk:case_search"), {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="search-result"') == 1
    case = customer_anna.person.case
    assert reverse("desk:case_detail", args=[case.uuid]) in html
    assert "Anna Schmidt" in html


def test_case_search_without_results(client_ben, customer_anna):
    response = client_ben.get(reverse("desk:case_search"), {"q": "Niemand"})
    assert 'data-testid="search-empty"' in response.content.decode()


def test_case_detail_shows_household_registers_and_requests(
    client_ben, case_anna, customer_anna, document_anna
):
    PersonFactory(case=case_anna, first_name="Tom", last_name="Schmidt", position=1)

    response = client_ben.get(reverse("desk:case_detail", args=[case_anna.uuid]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "96201BG0012345" in html
    assert "955D123456" in html
    assert html.count('data-testid="person"') == 2
    # Anna has an account, Tom does not: only Tom gets the activation button.
    assert html.count('data-testid="activation-create"') == 1
    for code in ("antrag", "einkommen", "unterkunft", "schriftverkehr"):
        assert f'data-testid="register-{code}"' in html
    registers = dict((r.code, docs) for r, docs in response.context["registers"])
    assert registers["unterkunft"] == [document_anna]
    assert reverse("desk:document_detail", args=[document_anna.uuid]) in html
    assert reverse("desk:request_create", args=[case_anna.uuid]) in html
    assert 'data-testid="open-requests-empty"' in html
