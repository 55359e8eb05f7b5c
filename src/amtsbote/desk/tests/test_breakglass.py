"""Break-glass: a case outside one's teams opens only with a reason, for a limited time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from amtsbote.accounts.constants import Role
from amtsbote.accounts.tests.factories import StaffFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.models import BreakGlassGrant
from amtsbote.cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

REASON = "Vertretung für Frau Kaya, Kundin wartet am Empfang"


@pytest.fixture
def team_mi(jobcenter):
    return jobcenter.teams.get(name="Markt & Integration")


@pytest.fixture
def case_other_team(team_mi):
    """A household of the same jobcenter that only the team Markt & Integration works on."""
    return CaseFactory(jobcenter=team_mi.jobcenter, bg_number="96201BG0055555", teams=[team_mi])


@pytest.fixture
def lead_lena(team_leistung):
    return StaffFactory(
        email="lena@jobcenter.example",
        first_name="Lena",
        last_name="Lange",
        role=Role.TEAM_LEAD,
        jobcenter=team_leistung.jobcenter,
        teams=[team_leistung],
    )


def _detail(case):
    return reverse("desk:case_detail", args=[case.uuid])


def _request(case):
    return reverse("desk:break_glass_request", args=[case.uuid])


def _grant(client, case, reason=REASON, category="substitution"):
    return client.post(_request(case), {"category": category, "reason": reason})


def test_without_a_grant_the_case_is_missing(client_ben, case_other_team):
    assert client_ben.get(_detail(case_other_team)).status_code == 404


def test_whole_jobcenter_search_lists_matches_without_details(client_ben, case_other_team):
    own_only = client_ben.get(reverse("desk:case_search"), {"q": "96201BG0055555"})
    assert 'data-testid="search-result"' not in own_only.content.decode()

    response = client_ben.get(
        reverse("desk:case_search"), {"q": "96201BG0055555", "scope": "jobcenter"}
    )
    html = response.content.decode()
    assert html.count('data-testid="jobcenter-result"') == 1
    assert _request(case_other_team) in html
    assert f'href="{_detail(case_other_team)}"' not in html
    assert AuditEvent.objects.filter(action="cases.case.search_jobcenter").count() == 1


def test_a_reason_opens_the_case_and_is_audited(client_ben, caseworker_ben, case_other_team):
    response = _grant(client_ben, case_other_team)
    assert response.status_code == 302 and response.url == _detail(case_other_team)
    grant = BreakGlassGrant.objects.get()
    assert grant.user == caseworker_ben and grant.case == case_other_team
    assert grant.expires_at == pytest.approx(
        timezone.now() + dt.timedelta(hours=8), abs=dt.timedelta(minutes=1)
    )
    event = AuditEvent.objects.get(action="cases.breakglass.grant")
    assert event.actor == caseworker_ben and event.case_id == case_other_team.pk
    assert event.data["reason"] == REASON and event.data["category"] == "substitution"

    assert client_ben.get(_detail(case_other_team)).status_code == 200
    assert AuditEvent.objects.filter(action="cases.case.view", case_id=case_other_team.pk).exists()


def test_a_short_reason_is_refused(client_ben, case_other_team):
    response = _grant(client_ben, case_other_team, reason="weil")
    assert response.status_code == 200
    assert not BreakGlassGrant.objects.exists()
    assert client_ben.get(_detail(case_other_team)).status_code == 404


def test_the_grant_expires(client_ben, case_other_team, settings, time_machine):
    settings.BREAK_GLASS_HOURS = 2
    settings.STAFF_IDLE_MINUTES = 0  # hours pass without a request
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    _grant(client_ben, case_other_team)
    time_machine.move_to(start + dt.timedelta(hours=1, minutes=59), tick=False)
    assert client_ben.get(_detail(case_other_team)).status_code == 200
    time_machine.move_to(start + dt.timedelta(hours=2, minutes=1), tick=False)
    assert client_ben.get(_detail(case_other_team)).status_code == 404


def test_another_jobcenter_never(client, stranger_sara, case_anna):
    client.force_login(stranger_sara)
    assert client.get(_request(case_anna)).status_code == 404
    assert _grant(client, case_anna).status_code == 404
    search = client.get(
        reverse("desk:case_search"), {"q": case_anna.bg_number, "scope": "jobcenter"}
    )
    assert 'data-testid="jobcenter-result"' not in search.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert client.get(_detail(case_anna)).status_code == 404


def test_own_cases_need_no_break_glass(client_ben, case_anna):
    response = client_ben.get(_request(case_anna))
    assert response.status_code == 302 and response.url == _detail(case_anna)


def test_team_lead_sees_the_jobcenters_accesses_newest_first(
    client, client_ben, lead_lena, case_other_team, case_anna, stranger_sara
):
    _grant(client_ben, case_other_team, reason="Eilfall: Stromsperre droht morgen früh")
    later = CaseFactory(jobcenter=case_anna.jobcenter, bg_number="96201BG0077777")
    _grant(client_ben, later, reason=REASON)
    client.force_login(lead_lena)
    response = client.get(reverse("desk:break_glass_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="break-glass-entry"') == 2
    assert html.index("96201BG0077777") < html.index("96201BG0055555")
    assert REASON in html and "Ben Becker" in html


def test_team_lead_of_another_jobcenter_sees_nothing(client, client_ben, case_other_team):
    _grant(client_ben, case_other_team)
    lead_elsewhere = StaffFactory(role=Role.TEAM_LEAD)
    client.force_login(lead_elsewhere)
    response = client.get(reverse("desk:break_glass_list"))
    assert 'data-testid="break-glass-entry"' not in response.content.decode()


def test_a_caseworker_cannot_see_the_list(client_ben):
    assert client_ben.get(reverse("desk:break_glass_list")).status_code == 404


def test_the_list_needs_login(client):
    assert client.get(reverse("desk:break_glass_list")).status_code == 302
