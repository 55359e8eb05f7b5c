"""The desk's document search page: form, results with highlights, states, rights."""

from __future__ import annotations

import pytest
from django.urls import reverse

from amtsbote.documents.tests.test_search import add_document

pytestmark = pytest.mark.django_db

URL = reverse("desk:search")


@pytest.fixture
def lease(case_anna):
    return add_document(
        case_anna,
        title="Mietvertrag Wohnung",
        text="Die Kaltmiete beträgt 420 Euro. <script>alert(1)</script>",
        type_code="mietvertrag",
    )


def test_empty_page_shows_the_form_and_a_hint(client_ben):
    response = client_ben.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="document-search-form"' in html
    assert 'data-testid="search-hint"' in html
    assert 'data-testid="document-hits"' not in html


def test_results_show_highlight_case_register_type_and_link(client_ben, lease):
    response = client_ben.get(URL, {"q": "Kaltmiete"})

    html = response.content.decode()
    assert html.count('data-testid="document-hit"') == 1
    assert "<mark>Kaltmiete</mark>" in html
    assert reverse("desk:document_detail", args=[lease.uuid]) in html
    assert reverse("desk:case_detail", args=[lease.case.uuid]) in html
    assert "96201BG0012345" in html
    assert "Unterkunft" in html
    assert "Mietvertrag" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html or "alert(1)" in html


def test_no_result_state(client_ben, lease):
    response = client_ben.get(URL, {"q": "Wasserschaden"})

    assert 'data-testid="search-empty"' in response.content.decode()


def test_filters_are_applied_and_kept_in_the_form(client_ben, lease):
    found = client_ben.get(URL, {"q": "Euro", "register": "unterkunft", "type": "mietvertrag"})
    other = client_ben.get(URL, {"q": "Euro", "register": "einkommen"})
    dated = client_ben.get(URL, {"q": "Euro", "received_to": "2000-01-01"})

    assert found.content.decode().count('data-testid="document-hit"') == 1
    assert '<option value="unterkunft" selected>' in found.content.decode()
    assert 'data-testid="search-empty"' in other.content.decode()
    assert 'data-testid="search-empty"' in dated.content.decode()


def test_invalid_period_is_a_form_error(client_ben, lease):
    response = client_ben.get(
        URL, {"q": "Euro", "received_from": "2026-05-01", "received_to": "2026-04-01"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="kern-error"' in html
    assert 'data-testid="document-hit"' not in html


def test_search_within_a_case(client_ben, lease, customer_carl):
    add_document(customer_carl.person.case, title="Carls Mietvertrag", text="Kaltmiete 300 Euro")

    everywhere = client_ben.get(URL, {"q": "Kaltmiete"}).content.decode()
    in_case = client_ben.get(URL, {"q": "Kaltmiete", "case": str(lease.case.uuid)})

    assert everywhere.count('data-testid="document-hit"') == 2
    assert in_case.content.decode().count('data-testid="document-hit"') == 1
    assert f'name="case" value="{lease.case.uuid}"' in in_case.content.decode()


def test_staff_of_another_jobcenter_finds_nothing_and_cannot_scope_to_a_foreign_case(
    client, stranger_sara, lease
):
    client.force_login(stranger_sara)

    response = client.get(URL, {"q": "Kaltmiete"})
    foreign_case = client.get(URL, {"q": "Kaltmiete", "case": str(lease.case.uuid)})

    assert 'data-testid="search-empty"' in response.content.decode()
    assert foreign_case.status_code == 404


def test_customers_and_anonymous_people_do_not_get_the_page(client, customer_anna):
    assert client.get(URL).status_code == 302
    client.force_login(customer_anna)
    assert client.get(URL).status_code == 404


def test_query_count_is_pinned(client_ben, case_anna, django_assert_max_num_queries):
    for n in range(10):
        add_document(case_anna, title=f"Kontoauszug {n}", text="Girokonto Sparkasse")
    with django_assert_max_num_queries(12):
        response = client_ben.get(URL, {"q": "Girokonto"})
    assert response.content.decode().count('data-testid="document-hit"') == 10
