"""Start page, language switch, my documents."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.documents.tests import samples

QUERIES_DOCUMENTS_PAGE = 6

pytestmark = pytest.mark.django_db


def test_home_shows_open_todos(anna_client, doc_request):
    response = anna_client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="todo"') == 1
    assert "0 of 2 sent" in html
    assert reverse("portal:request", args=[doc_request.uuid]) in html
    assert "Mietvertrag" in html and "Meldebescheinigung" in html
    assert 'data-testid="my-documents"' in html
    assert 'data-testid="activate-cta"' not in html


def test_home_counts_sent_items(anna_client, submission):
    response = anna_client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert "1 of 2 sent" in response.content.decode()


def test_home_without_person_asks_for_activation_code(db):
    client = Client()
    client.force_login(UserFactory())
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert b'data-testid="activate-cta"' in response.content
    assert reverse("portal:activate").encode() in response.content
    assert b'data-testid="todo"' not in response.content


def test_language_switch_stores_user_language(anna_client, customer_anna):
    response = anna_client.post(
        reverse("portal:language"), {"language": "uk", "next": reverse("portal:home")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    customer_anna.refresh_from_db()
    assert customer_anna.language == "uk"
    page = anna_client.get(reverse("portal:home"))
    assert b'lang="uk"' in page.content


def test_language_switch_for_rtl_language(anna_client):
    anna_client.post(reverse("portal:language"), {"language": "ar", "next": "/portal/"})
    page = anna_client.get(reverse("portal:home"))
    assert b'dir="rtl"' in page.content


def test_language_switch_ignores_unknown_language(anna_client, customer_anna):
    anna_client.post(reverse("portal:language"), {"language": "xx", "next": "/portal/"})
    customer_anna.refresh_from_db()
    assert customer_anna.language == "de"


def test_language_switch_works_anonymously():
    response = Client().post(
        reverse("portal:language"), {"language": "en", "next": "/accounts/login/"}
    )
    assert response.status_code == 302


def test_documents_page_empty(anna_client):
    response = anna_client.get(reverse("portal:documents"))
    assert response.status_code == 200
    assert b'data-testid="no-documents"' in response.content


def test_documents_page_query_count_is_pinned(
    anna_client, submission, doc_request, items, django_assert_num_queries
):
    url = reverse("portal:documents")
    # session, user, documents, versions, receipts, grants (acting for): the same for one
    # document or many
    with django_assert_num_queries(QUERIES_DOCUMENTS_PAGE):
        anna_client.get(url)
    anna_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {
            f"item-{items[1].uuid}": [
                SimpleUploadedFile("m.jpg", samples.jpeg_bytes(), "image/jpeg")
            ]
        },
    )
    with django_assert_num_queries(QUERIES_DOCUMENTS_PAGE):
        response = anna_client.get(url)
    assert response.content.count(b'data-testid="document"') == 2
