"""The desk's document search page: form, results with highlights, states, rights."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from amtsbote.cases.tests.factories import CaseFactory
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


# --- pages ------------------------------------------------------------------------------------


def hit_titles(response) -> list[str]:
    return re.findall(r'data-testid="document-hit-link">([^<]*)</a>', response.content.decode())


def heading(response) -> str:
    match = re.search(r'data-testid="search-count">([^<]*)</h2>', response.content.decode())
    return match.group(1) if match else ""


def link(response, rel: str) -> dict[str, list[str]] | None:
    """The query of the page link ``rel`` ("prev" / "next"), or None without that link."""
    match = re.search(rf'rel="{rel}" href="([^"]*)"', response.content.decode())
    return parse_qs(urlsplit(html.unescape(match.group(1))).query) if match else None


@pytest.fixture
def statements(case_anna):
    """45 documents that match "Girokonto" equally well: three pages, newest first."""
    base = timezone.make_aware(dt.datetime(2026, 1, 1, 9))
    return [
        add_document(
            case_anna,
            title=f"Kontoauszug {n:02d}",
            text="Girokonto Sparkasse Musterstadt",
            received_at=base + dt.timedelta(hours=n),
        )
        for n in range(45)
    ]


def newest(first: int, last: int) -> list[str]:
    """Titles of the statements ranked first..last (1-based), as the pages show them."""
    return [f"Kontoauszug {n:02d}" for n in range(44, -1, -1)][first - 1 : last]


def test_the_second_page_shows_the_next_hits_and_where_the_reader_is(client_ben, statements):
    response = client_ben.get(URL, {"q": "Girokonto", "page": "2"})

    html_text = response.content.decode()
    assert hit_titles(response) == newest(21, 40)
    assert heading(response) == "21–40 von 45 Treffern"
    assert 'start="21"' in html_text
    assert "Seite 2 von 3" in html_text
    assert link(response, "prev")["page"] == ["1"]
    assert link(response, "next")["page"] == ["3"]
    assert "<mark>Girokonto</mark>" in html_text


def test_first_and_last_page_and_pages_out_of_range(client_ben, statements):
    first = client_ben.get(URL, {"q": "Girokonto"})
    last = client_ben.get(URL, {"q": "Girokonto", "page": "3"})

    assert heading(first) == "1–20 von 45 Treffern"
    assert (link(first, "prev"), link(first, "next")["page"]) == (None, ["2"])
    assert hit_titles(last) == newest(41, 45)
    assert heading(last) == "41–45 von 45 Treffern"
    assert (link(last, "prev")["page"], link(last, "next")) == (["2"], None)
    # A page past the end shows the last one, a page that is no number the first.
    assert hit_titles(client_ben.get(URL, {"q": "Girokonto", "page": "99"})) == newest(41, 45)
    for page in ("0", "abc", "-1", "2.5", "²", "9" * 30):
        assert hit_titles(client_ben.get(URL, {"q": "Girokonto", "page": page})) == newest(1, 20)


def test_one_page_of_hits_has_no_page_links(client_ben, statements):
    exactly_one_page = client_ben.get(URL, {"q": "Girokonto", "received_to": "2026-01-01"})

    assert len(hit_titles(exactly_one_page)) == 15
    assert heading(exactly_one_page) == "15 Dokumente gefunden"
    assert 'data-testid="pagination"' not in exactly_one_page.content.decode()


def test_page_links_keep_the_query_the_filters_and_the_case(client_ben, case_anna, statements):
    criteria = {
        "q": "Girokonto",
        "type": "sonstiges",
        "source": "scan",
        "received_from": "2026-01-01",
        "received_to": "2026-01-31",
        "case": str(case_anna.uuid),
    }

    response = client_ben.get(URL, {**criteria, "page": "2"})

    assert hit_titles(response) == newest(21, 40)
    for rel, page in (("prev", "1"), ("next", "3")):
        assert link(response, rel) == {**{k: [v] for k, v in criteria.items()}, "page": [page]}
    # The form keeps the filters, and a new search starts on page 1 (no page field).
    html_text = response.content.decode()
    assert '<option value="sonstiges" selected>' in html_text
    assert 'name="page"' not in html_text


def test_htmx_fetches_only_the_results_and_the_address_follows(client_ben, statements):
    response = client_ben.get(
        URL,
        {"q": "Girokonto", "page": "2"},
        headers={"HX-Request": "true", "HX-Target": "search-results"},
    )

    html_text = response.content.decode()
    assert "<html" not in html_text
    assert 'data-testid="document-search-form"' not in html_text
    assert html_text.lstrip().startswith('<div id="search-results"')
    assert hit_titles(response) == newest(21, 40)
    assert "autofocus" in html_text
    assert 'hx-target="#search-results"' in html_text
    assert 'hx-push-url="true"' in html_text
    # Restoring history (no target) and plain requests get the whole page.
    restore = client_ben.get(URL, {"q": "Girokonto", "page": "2"}, headers={"HX-Request": "true"})
    assert "<html" in restore.content.decode()
    assert "autofocus" not in restore.content.decode()


def test_more_hits_than_counted_are_shown_as_more_than(client_ben, statements, monkeypatch):
    from amtsbote.documents.search import query

    monkeypatch.setattr(query, "COUNT_CAP", 40)

    first = client_ben.get(URL, {"q": "Girokonto"})
    beyond = client_ben.get(URL, {"q": "Girokonto", "page": "3"})

    assert heading(first) == "1–20 von mehr als 40 Treffern"
    assert 'data-testid="search-capped"' in first.content.decode()
    assert hit_titles(beyond) == newest(21, 40)
    assert link(beyond, "next") is None


def test_no_page_shows_another_jobcenters_or_another_teams_documents(
    client, caseworker_ben, stranger_sara, jobcenter, statements
):
    other_team_case = CaseFactory(
        jobcenter=jobcenter, teams=[jobcenter.teams.get(name="Markt & Integration")]
    )
    foreign_case = CaseFactory(jobcenter=stranger_sara.jobcenter, teams=[])
    for case in (other_team_case, foreign_case):
        for n in range(25):
            add_document(case, title=f"Fremd {n}", text="Girokonto Sparkasse Musterstadt")
    client.force_login(caseworker_ben)

    for criteria in ({"q": "Girokonto"}, {"type": "sonstiges"}):
        seen, page = [], {"page": ["1"]}
        while page:
            response = client.get(URL, {**criteria, "page": page["page"][0]})
            assert "Fremd" not in response.content.decode()
            assert heading(response).endswith("von 45 Treffern")
            seen += hit_titles(response)
            page = link(response, "next")
        assert seen == newest(1, 45)


@pytest.mark.parametrize(
    ("extra", "queries", "hits"),
    [
        ({"page": "1"}, 15, 20),
        ({"page": "2"}, 15, 20),
        ({"received_to": "2026-01-01"}, 14, 15),  # one page: no count
    ],
)
def test_query_count_of_a_results_page_is_pinned(
    client_ben, case_anna, statements, extra, queries, hits, django_assert_num_queries
):
    # Session, user, the case, the register (form) · ranked hits, the count (only when there
    # is more than one page), highlights, the documents · the audit record (savepoint, chain
    # head, event, head, release) · the type and register choices of the form. PostgreSQL
    # reads the newest matches' ids (within the one case: PostgreSQL's own way) before it
    # ranks them and counts those instead of counting again: one query more where SQLite
    # does not count.
    from django.db import connection

    if connection.vendor == "postgresql" and hits < 20:
        queries += 1
    criteria = {"q": "Girokonto", "register": statements[0].register.code, **extra}
    with django_assert_num_queries(queries):
        response = client_ben.get(URL, {**criteria, "case": str(case_anna.uuid)})
    assert len(hit_titles(response)) == hits
