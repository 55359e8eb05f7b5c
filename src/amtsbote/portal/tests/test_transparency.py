"""Wer hat meine Akte gesehen? (DSGVO Art. 15): staff reads of the household's file."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from amtsbote import audit

pytestmark = pytest.mark.django_db

URL = reverse("portal:accesses")


def _staff_read(user, case, action="documents.document.view"):
    return audit.record(
        action, actor=user, subject=case, jobcenter_id=case.jobcenter_id, case_id=case.pk
    )


def _entries(response) -> list[str]:
    html = response.content.decode()
    return [part.split("</li>")[0] for part in html.split('data-testid="access"')[1:]]


def test_a_case_detail_read_at_the_desk_appears_with_role_and_team(
    anna_client, caseworker_ben, case_anna, customer_anna
):
    desk = Client()
    desk.force_login(caseworker_ben)
    assert desk.get(reverse("desk:case_detail", args=[case_anna.uuid])).status_code == 200

    response = anna_client.get(URL)
    assert response.status_code == 200
    [entry] = _entries(response)
    assert "Sachbearbeitung" in entry and "Leistung" in entry
    assert "Ben" not in entry and "Becker" not in entry


def test_names_only_when_the_jobcenter_shows_them(anna_client, caseworker_ben, case_anna):
    _staff_read(caseworker_ben, case_anna)
    case_anna.jobcenter.show_staff_names = True
    case_anna.jobcenter.save()
    [entry] = _entries(anna_client.get(URL))
    assert "Ben Becker" in entry


def test_newest_first_and_only_staff_reads(anna_client, customer_anna, caseworker_ben, case_anna):
    _staff_read(caseworker_ben, case_anna, "cases.case.view")
    _staff_read(customer_anna, case_anna)  # the customer's own read
    audit.record("cases.person.update", actor=caseworker_ben, case_id=case_anna.pk)  # a change
    _staff_read(caseworker_ben, case_anna, "documents.document.download")
    entries = _entries(anna_client.get(URL))
    assert len(entries) == 2
    assert "heruntergeladen" in entries[0]
    assert "Akte angesehen" in entries[1]


def test_another_households_reads_are_never_shown(
    anna_client, carl_client, customer_carl, caseworker_ben, case_anna
):
    _staff_read(caseworker_ben, case_anna)
    assert len(_entries(anna_client.get(URL))) == 1
    assert _entries(carl_client.get(URL)) == []
    assert 'data-testid="no-accesses"' in carl_client.get(URL).content.decode()


def test_in_the_customers_language(anna_client, caseworker_ben, case_anna):
    _staff_read(caseworker_ben, case_anna)
    anna_client.cookies["django_language"] = "en"
    response = anna_client.get(URL)
    assert "Who has seen my file?" in response.content.decode()
    assert "Caseworker" in _entries(response)[0]


def test_paginated(anna_client, caseworker_ben, case_anna):
    for _ in range(30):
        _staff_read(caseworker_ben, case_anna)
    assert len(_entries(anna_client.get(URL))) == 25
    assert len(_entries(anna_client.get(URL, {"page": 2}))) == 5


def test_query_count_does_not_grow_with_the_entries(
    anna_client, caseworker_ben, case_anna, django_assert_num_queries
):
    _staff_read(caseworker_ben, case_anna)
    anna_client.get(URL)  # session and language settle
    with django_assert_num_queries(QUERIES):
        anna_client.get(URL)
    for _ in range(20):
        _staff_read(caseworker_ben, case_anna)
    with django_assert_num_queries(QUERIES):
        response = anna_client.get(URL)
    assert len(_entries(response)) == 21


# session, user, person, case, jobcenter, count, page of events, the actors' teams
QUERIES = 8


def test_login_required(client):
    response = client.get(URL)
    assert response.status_code == 302


def test_staff_without_household_see_an_empty_page(client, caseworker_ben):
    client.force_login(caseworker_ben)
    response = client.get(URL)
    assert response.status_code == 200
    assert _entries(response) == []
