"""Cases and people through the API: only of the client's jobcenter, every write audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amtsbote.audit.models import AuditEvent
from amtsbote.cases.models import Case, Person
from amtsbote.cases.tests.factories import CaseFactory, PersonFactory


@pytest.fixture
def anna_person(customer_anna):
    return customer_anna.person


def test_list_by_bg_number_only_of_the_own_jobcenter(api, case_anna, customer_carl, stranger_sara):
    CaseFactory(jobcenter=stranger_sara.jobcenter, bg_number="96201BG0012345")
    response = api.get("/api/v1/cases/", {"bg_number": "96201 bg 0012345"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [case] = body["results"]
    assert case["uuid"] == str(case_anna.uuid)
    assert case["teams"] == ["Leistung"]
    assert api.get("/api/v1/cases/").json()["count"] == 2


def test_create_case_audited_with_the_client(api, fachverfahren):
    response = api.post(
        "/api/v1/cases/", {"bg_number": "96201BG0077777", "teams": ["Leistung"]}, format="json"
    )
    assert response.status_code == 201, response.json()
    case = Case.objects.get(uuid=response.json()["uuid"])
    assert case.jobcenter_id == fachverfahren.jobcenter_id
    assert [team.name for team in case.teams.all()] == ["Leistung"]
    event = AuditEvent.objects.get(action="cases.case.create", case_id=case.pk)
    assert event.actor == fachverfahren.user


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"bg_number": "12345"}, "bg_number"),
        ({}, "bg_number"),
        ({"bg_number": "96201BG0077777", "teams": ["Gibtsnicht"]}, "teams"),
    ],
)
def test_create_case_bad_input_is_400_and_stores_nothing(api, jobcenter, body, field):
    response = api.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and field in error["fields"] and error["message"]
    assert not Case.objects.exists()


def test_create_a_case_twice_is_400(api, case_anna):
    response = api.post("/api/v1/cases/", {"bg_number": case_anna.bg_number}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert "already exists" in error["message"] or "existiert bereits" in error["message"]
    assert Case.objects.filter(bg_number=case_anna.bg_number).count() == 1


def test_retrieve_with_people_and_the_read_audited(api, case_anna, anna_person, fachverfahren):
    response = api.get(f"/api/v1/cases/{case_anna.uuid}/")
    assert response.status_code == 200
    [person] = response.json()["people"]
    assert person["customer_number"] == "955D123456" and person["has_portal_account"]
    assert AuditEvent.objects.filter(
        action="cases.case.view", case_id=case_anna.pk, actor=fachverfahren.user
    ).exists()


def test_close_and_reopen(api, case_anna):
    url = f"/api/v1/cases/{case_anna.uuid}/"
    assert api.patch(url, {"status": "closed"}, format="json").json()["status"] == "closed"
    case_anna.refresh_from_db()
    assert case_anna.closed_at is not None
    assert api.patch(url, {"status": "active"}, format="json").json()["status"] == "active"
    assert api.patch(url, {"status": "gone"}, format="json").status_code == 400


def test_person_create_update_retrieve(api, case_anna, fachverfahren):
    response = api.post(
        f"/api/v1/cases/{case_anna.uuid}/persons/",
        {"customer_number": "955d 777777", "first_name": "Mia", "last_name": "Schmidt"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    person = Person.objects.get(uuid=response.json()["uuid"])
    assert person.customer_number == "955D777777" and person.case == case_anna
    url = f"/api/v1/persons/{person.uuid}/"
    response = api.patch(url, {"city": "Musterstadt", "birth_date": "2015-03-01"}, format="json")
    assert response.status_code == 200
    assert response.json()["city"] == "Musterstadt"
    assert api.get(url).json()["birth_date"] == "2015-03-01"
    actions = AuditEvent.objects.filter(actor=fachverfahren.user).values_list("action", flat=True)
    assert {"cases.person.create", "cases.person.update"} <= set(actions)


def test_person_bad_input_is_400_and_stores_nothing(api, case_anna):
    url = f"/api/v1/cases/{case_anna.uuid}/persons/"
    response = api.post(url, {"customer_number": "x", "first_name": ""}, format="json")
    assert response.status_code == 400
    assert {"customer_number", "first_name", "last_name"} <= set(response.json()["error"]["fields"])
    assert not case_anna.people.exists()


def test_another_jobcenter_sees_404_like_a_missing_object(
    api_other_jobcenter, case_anna, anna_person
):
    missing = "00000000-0000-4000-8000-000000000000"
    for url in (
        f"/api/v1/cases/{case_anna.uuid}/",
        f"/api/v1/persons/{anna_person.uuid}/",
        f"/api/v1/cases/{missing}/",
    ):
        response = api_other_jobcenter.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    response = api_other_jobcenter.patch(
        f"/api/v1/cases/{case_anna.uuid}/", {"status": "closed"}, format="json"
    )
    assert response.status_code == 404
    response = api_other_jobcenter.post(
        f"/api/v1/cases/{case_anna.uuid}/persons/",
        {"customer_number": "955D777777", "first_name": "M", "last_name": "S"},
        format="json",
    )
    assert response.status_code == 404
    case_anna.refresh_from_db()
    assert case_anna.status == "active" and case_anna.people.count() == 1
    assert api_other_jobcenter.get("/api/v1/cases/").json()["count"] == 0


def test_wrong_scope_is_403(api_no_scope, case_anna):
    PersonFactory(case=case_anna)
    assert api_no_scope.get(f"/api/v1/cases/{case_anna.uuid}/").status_code == 403
    response = api_no_scope.post("/api/v1/cases/", {"bg_number": "96201BG0077777"}, format="json")
    assert response.status_code == 403
    assert Case.objects.count() == 1


def test_the_case_list_makes_the_same_queries_for_more_cases(api, jobcenter, team_leistung):
    """No query per case or person: the list is prefetched."""

    def queries_for_list() -> int:
        api.get("/api/v1/cases/")  # the key's "last used" is written on the first call only
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/cases/").status_code == 200
        return len(captured)

    case = CaseFactory(jobcenter=jobcenter, teams=[team_leistung])
    PersonFactory(case=case)
    few = queries_for_list()
    for _ in range(5):
        more = CaseFactory(jobcenter=jobcenter, teams=[team_leistung])
        PersonFactory(case=more)
        PersonFactory(case=more)
    assert queries_for_list() == few
