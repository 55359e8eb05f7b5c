"""Every desk URL: allowed (200), forbidden (404), missing (404), anonymous (login)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from amtsbote.accounts.services import activation_code_issue
from amtsbote.doc_requests.services import ItemSpec, doc_request_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(case_anna, customer_anna, document_anna, caseworker_ben, team_leistung):
    version = document_anna.versions.get()
    original = document_anna.originals.get()
    doc_request = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(label="Kontoauszüge")],
    )
    person = case_anna.people.get()
    activation, _code = activation_code_issue(person=person, issued_by=caseworker_ben)
    return {
        "case": case_anna,
        "document": document_anna,
        "version": version,
        "original": original,
        "request": doc_request,
        "person": person,
        "activation": activation,
    }


def get_urls(o, *, missing=False):
    """(name, url) for every GET page; with ``missing``, random UUIDs instead of real ones."""

    def u(obj):
        return uuid.uuid4() if missing else obj.uuid

    return [
        ("case_detail", reverse("desk:case_detail", args=[u(o["case"])])),
        ("document_detail", reverse("desk:document_detail", args=[u(o["document"])])),
        ("version_page", reverse("desk:version_page", args=[u(o["version"]), 1])),
        ("version_thumbnail", reverse("desk:version_thumbnail", args=[u(o["version"])])),
        ("version_file", reverse("desk:version_file", args=[u(o["version"])])),
        (
            "original_file",
            reverse("desk:original_file", args=[o["document"].uuid, u(o["original"])]),
        ),
        ("request_create", reverse("desk:request_create", args=[u(o["case"])])),
        ("legal_hint", reverse("desk:legal_hint", args=[u(o["case"])])),
        ("request_detail", reverse("desk:request_detail", args=[u(o["request"])])),
    ]


def post_urls(o, *, missing=False):
    def u(obj):
        return uuid.uuid4() if missing else obj.uuid

    return [
        ("mark_seen", reverse("desk:mark_seen", args=[u(o["document"])])),
        ("activation_create", reverse("desk:activation_create", args=[u(o["person"])])),
        ("activation_revoke", reverse("desk:activation_revoke", args=[u(o["activation"])])),
        ("activation_letter", reverse("desk:activation_letter", args=[u(o["activation"])])),
    ]


PLAIN_PAGES = ["desk:inbox", "desk:inbox_items", "desk:case_search"]


def test_staff_of_the_case_may_see_everything(client_ben, objects):
    for name in PLAIN_PAGES:
        assert client_ben.get(reverse(name)).status_code == 200, name
    for name, url in get_urls(objects):
        response = client_ben.get(url)
        assert response.status_code == 200, name


@pytest.mark.parametrize("persona", ["stranger_sara", "customer_anna", "customer_carl"])
def test_others_get_404_everywhere(client, objects, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for name, url in get_urls(objects):
        assert client.get(url).status_code == 404, name
    for name, url in post_urls(objects):
        assert client.post(url, {"code": "X"}).status_code == 404, name
    objects["document"].refresh_from_db()
    assert objects["document"].inbox_status == "new"
    assert objects["person"].activation_codes.count() == 1


@pytest.mark.parametrize("persona", ["customer_anna", "customer_carl"])
def test_customers_do_not_reach_the_desk(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for name in PLAIN_PAGES:
        assert client.get(reverse(name)).status_code == 404, name


def test_stranger_sees_an_empty_inbox_and_finds_nothing(client, stranger_sara, objects):
    client.force_login(stranger_sara)
    assert client.get(reverse("desk:inbox")).context["documents"] == []
    response = client.get(reverse("desk:case_search"), {"q": objects["case"].bg_number})
    assert response.context["results"] == []


def test_missing_objects_give_404(client_ben, objects):
    for name, url in get_urls(objects, missing=True):
        assert client_ben.get(url).status_code == 404, name
    for name, url in post_urls(objects, missing=True):
        assert client_ben.post(url, {"code": "X"}).status_code == 404, name


def test_anonymous_people_are_sent_to_login(client, objects):
    urls = [reverse(name) for name in PLAIN_PAGES] + [url for _n, url in get_urls(objects)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_pages_outside_the_version_give_404(client_ben, objects):
    version = objects["version"]
    for number in (0, version.pages + 1):
        url = reverse("desk:version_page", args=[version.uuid, number])
        assert client_ben.get(url).status_code == 404
