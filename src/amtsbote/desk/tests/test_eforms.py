"""Sent forms on the desk: per household, one form with its fields, PDF and follow-ups."""

from __future__ import annotations

import pytest

from amtsbote.audit.models import AuditEvent
from amtsbote.eforms.tests.factories import send_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(customer_anna):
    return send_move(customer_anna)


def test_the_caseworker_sees_the_list_and_the_fields(client_ben, submission, case_anna):
    response = client_ben.get(f"/desk/cases/{case_anna.uuid}/")
    assert f"/desk/cases/{case_anna.uuid}/forms/" in response.content.decode()
    page = client_ben.get(f"/desk/cases/{case_anna.uuid}/forms/").content.decode()
    assert page.count('data-testid="form-row"') == 1
    assert "Veränderungsmitteilung" in page and submission.reference in page

    page = client_ben.get(f"/desk/forms/{submission.uuid}/").content.decode()
    assert 'data-testid="field-move-street">Lindenallee 7<' in page
    assert 'data-testid="field-move-postal_code">50667<' in page
    assert 'data-testid="field-move-rent">450,00 €<' in page
    assert f"/desk/documents/{submission.document.uuid}/" in page
    assert page.count('data-testid="follow-up-item"') == 2
    assert AuditEvent.objects.filter(action="eforms.submission.view").count() == 1


def test_the_list_makes_a_fixed_number_of_queries(
    client_ben, customer_anna, case_anna, django_assert_num_queries
):
    for _ in range(3):
        send_move(customer_anna)
    # 6 for the page, 5 for the audited read (savepoint, chain head, event, head, release)
    with django_assert_num_queries(11):
        response = client_ben.get(f"/desk/cases/{case_anna.uuid}/forms/")
    assert response.content.decode().count('data-testid="form-row"') == 3


def test_others_get_404(client, submission, case_anna, customer_carl, stranger_sara):
    urls = [f"/desk/cases/{case_anna.uuid}/forms/", f"/desk/forms/{submission.uuid}/"]
    for persona in (customer_carl, stranger_sara):
        client.force_login(persona)
        for url in urls:
            assert client.get(url).status_code == 404, (persona, url)


def test_a_caseworker_of_another_household_gets_404(client, submission, jobcenter):
    from amtsbote.accounts.tests.factories import StaffFactory

    other_team = jobcenter.teams.get(name="Markt & Integration")
    clara = StaffFactory(jobcenter=jobcenter, teams=[other_team])
    client.force_login(clara)
    assert client.get(f"/desk/forms/{submission.uuid}/").status_code == 404


def test_missing_forms_give_404(client_ben, submission, case_anna):
    assert client_ben.get(f"/desk/forms/{case_anna.uuid}/").status_code == 404


def test_anonymous_people_are_sent_to_login(client, submission):
    response = client.get(f"/desk/forms/{submission.uuid}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
