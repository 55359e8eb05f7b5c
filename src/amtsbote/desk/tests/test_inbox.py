from __future__ import annotations

import re

import pytest
from django.urls import reverse

from amtsbote.cases.tests.factories import CaseFactory
from amtsbote.documents.services import document_mark_seen

from .conftest import make_document

pytestmark = pytest.mark.django_db


def test_inbox_shows_new_documents_of_my_cases(client_ben, document_anna, stranger_sara):
    other_case = CaseFactory(jobcenter=stranger_sara.jobcenter, teams=[stranger_sara.teams.get()])
    foreign = make_document(other_case, title="Fremdes Dokument")

    response = client_ben.get(reverse("desk:inbox"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="inbox-item"') == 1
    assert str(document_anna.uuid) in html
    assert str(foreign.uuid) not in html
    assert "96201BG0012345" in html
    assert reverse("desk:document_detail", args=[document_anna.uuid]) in html
    version = document_anna.versions.get()
    assert reverse("desk:version_thumbnail", args=[version.uuid]) in html
    # The list refreshes itself.
    assert f'hx-get="{reverse("desk:inbox_items")}?shown=' in html
    assert 'hx-trigger="every 3s"' in html
    # Header: navigation, the user's name, logout by POST.
    assert "Ben Becker" in html
    assert f'action="{reverse("account_logout")}"' in html
    assert reverse("desk:case_search") in html


def test_inbox_items_partial_shows_uploads_without_reload(client_ben, case_anna, customer_anna):
    url = reverse("desk:inbox_items")
    assert 'data-testid="inbox-empty"' in client_ben.get(url).content.decode()

    document = make_document(case_anna, title="Kontoauszug", submitted_by=customer_anna)

    html = client_ben.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html
    assert 'data-testid="inbox-item"' in html
    assert str(document.uuid) in html


def shown(html: str) -> str:
    """The digest the list names in its poll address."""
    match = re.search(r'hx-get="[^"?]+\?shown=([0-9a-f]+)"', html)
    assert match, html[:500]
    return match.group(1)


def test_the_poll_renders_the_list_only_when_it_changed(
    client_ben,
    caseworker_ben,
    case_anna,
    customer_anna,
    document_anna,
    django_assert_max_num_queries,
):
    url = reverse("desk:inbox_items")
    page = client_ben.get(reverse("desk:inbox")).content.decode()
    digest = shown(page)

    # Nothing new: 204, nothing rendered (session, user, one query of ids).
    with django_assert_max_num_queries(3):
        response = client_ben.get(url, {"shown": digest}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response.content == b""

    # An upload: the list comes back with its new digest, which is quiet again.
    document = make_document(case_anna, title="Kontoauszug", submitted_by=customer_anna)
    response = client_ben.get(url, {"shown": digest}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert str(document.uuid) in html and str(document_anna.uuid) in html
    newer = shown(html)
    assert newer != digest
    assert client_ben.get(url, {"shown": newer}).status_code == 204

    # Seen (from another tab), a new version, a changed title: each one changes the list.
    for change in (
        lambda: document_mark_seen(document=document, actor=caseworker_ben),
        lambda: add_version(document_anna),
        lambda: retitle(document_anna, "Kontoauszug März"),
    ):
        change()
        response = client_ben.get(url, {"shown": newer})
        assert response.status_code == 200, change
        newer = shown(response.content.decode())


def add_version(document) -> None:
    from amtsbote.documents.models import DocumentVersion

    DocumentVersion.objects.create(
        document=document, number=2, file="documents/y.pdf", sha256="1" * 64, size=1, pages=1
    )


def retitle(document, title: str) -> None:
    document.title = title
    document.save(update_fields=["title", "updated_at"])


def test_inbox_partial_query_count_does_not_grow(
    client_ben, case_anna, customer_anna, django_assert_max_num_queries
):
    for number in range(5):
        make_document(case_anna, title=f"Dokument {number}", submitted_by=customer_anna)
    url = reverse("desk:inbox_items")
    client_ben.get(url)  # warm up (session, content types)
    # session + user + documents (joined with case, register, type, submitter) + versions
    with django_assert_max_num_queries(5):
        response = client_ben.get(url)
    assert response.content.decode().count('data-testid="inbox-item"') == 5


def test_mark_as_seen_with_htmx_removes_the_row(client_ben, document_anna):
    url = reverse("desk:mark_seen", args=[document_anna.uuid])

    response = client_ben.post(url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.content == b""
    document_anna.refresh_from_db()
    assert document_anna.inbox_status == "seen"
    html = client_ben.get(reverse("desk:inbox_items")).content.decode()
    assert 'data-testid="inbox-item"' not in html


def test_mark_as_seen_without_javascript_redirects(client_ben, document_anna):
    response = client_ben.post(reverse("desk:mark_seen", args=[document_anna.uuid]))
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:inbox")


def test_mark_as_seen_needs_post(client_ben, document_anna):
    response = client_ben.get(reverse("desk:mark_seen", args=[document_anna.uuid]))
    assert response.status_code == 405


def test_inbox_holds_a_case_opened_by_break_glass_while_the_grant_lasts(
    client_ben, caseworker_ben, document_anna, jobcenter
):
    from amtsbote.cases.constants import BreakGlassReason
    from amtsbote.cases.services import break_glass_grant

    other_team_case = CaseFactory(
        jobcenter=jobcenter, teams=[jobcenter.teams.get(name="Markt & Integration")]
    )
    other_team = make_document(other_team_case, title="Dokument des Marktteams")
    url = reverse("desk:inbox_items")
    assert str(other_team.uuid) not in client_ben.get(url).content.decode()

    grant = break_glass_grant(
        user=caseworker_ben,
        case=other_team_case,
        category=BreakGlassReason.SUBSTITUTION,
        reason="Vertretung für Frau Kaya während ihres Urlaubs",
    )
    html = client_ben.get(url).content.decode()
    assert str(other_team.uuid) in html and str(document_anna.uuid) in html

    grant.expires_at = grant.created_at
    grant.save(update_fields=["expires_at"])
    assert str(other_team.uuid) not in client_ben.get(url).content.decode()
