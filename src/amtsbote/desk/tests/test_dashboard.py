"""The team-lead dashboard: fulfilment times per week and channel, load per team, backlog."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amtsbote.accounts.constants import Role
from amtsbote.accounts.tests.factories import StaffFactory
from amtsbote.cases.tests.factories import CaseFactory
from amtsbote.desk import dashboard
from amtsbote.doc_requests.constants import RequestStatus
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.documents.constants import Source

from .conftest import make_document

pytestmark = pytest.mark.django_db

# A Wednesday; its week starts on Monday 2026-11-16.
TODAY = dt.date(2026, 11, 18)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def lead(team_leistung):
    return StaffFactory(
        role=Role.TEAM_LEAD, jobcenter=team_leistung.jobcenter, teams=[team_leistung]
    )


def _fulfilled(case, team, author, *, days: float, source: str, done: dt.datetime):
    request = doc_request_create(
        case=case, team=team, created_by=author, items=[ItemSpec(label="Kontoauszug")]
    )
    document = make_document(case, source=source)
    item = request.items.get()
    item.documents.add(document)
    type(request).objects.filter(pk=request.pk).update(
        status=RequestStatus.FULFILLED,
        created_at=done - dt.timedelta(days=days),
        fulfilled_at=done,
    )
    type(document).objects.filter(pk=document.pk).update(received_at=done)
    return request


def test_median_and_90th_percentile_per_week_and_channel(
    case_anna, team_leistung, caseworker_ben, stranger_sara
):
    done = _at(TODAY)
    for days in (0.5, 1, 2):
        _fulfilled(
            case_anna, team_leistung, caseworker_ben, days=days, source=Source.PORTAL, done=done
        )
    for days in (8, 12):
        _fulfilled(
            case_anna, team_leistung, caseworker_ben, days=days, source=Source.SCAN, done=done
        )
    # last week, and one of another jobcenter in this week (not counted)
    _fulfilled(
        case_anna,
        team_leistung,
        caseworker_ben,
        days=3,
        source=Source.PORTAL,
        done=_at(TODAY - dt.timedelta(days=7)),
    )
    other_team = stranger_sara.teams.get()
    other_case = CaseFactory(jobcenter=stranger_sara.jobcenter, teams=[other_team])
    _fulfilled(other_case, other_team, stranger_sara, days=30, source=Source.PORTAL, done=done)

    weeks = dashboard.fulfilment_weeks(team_leistung.jobcenter_id, today=TODAY)

    assert len(weeks) == dashboard.WEEKS
    this, last = weeks[-1], weeks[-2]
    assert this.start == dt.date(2026, 11, 16)
    assert this.iso == "2026-W47"
    portal, paper = this.channels["portal"], this.channels["paper"]
    assert (portal.count, portal.median_days, portal.p90_days) == (3, 1.0, 2.0)
    assert (paper.count, paper.median_days, paper.p90_days) == (2, 8.0, 12.0)
    assert this.channels["other"].count == 0
    assert (last.channels["portal"].count, last.channels["portal"].median_days) == (1, 3.0)
    assert sum(week.channels["portal"].count for week in weeks[:-2]) == 0


def test_open_and_overdue_requests_per_team(case_anna, team_leistung, caseworker_ben):
    overdue = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(label="Mietvertrag")],
    )
    type(overdue).objects.filter(pk=overdue.pk).update(deadline=TODAY - dt.timedelta(days=1))
    doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(label="Lohnabrechnung")],
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    done = doc_request_create(
        case=case_anna, team=team_leistung, created_by=caseworker_ben, items=[ItemSpec(label="x")]
    )
    type(done).objects.filter(pk=done.pk).update(status=RequestStatus.FULFILLED)

    loads = {
        load.name: load
        for load in dashboard.requests_per_team(team_leistung.jobcenter_id, today=TODAY)
    }

    assert (loads[team_leistung.name].open, loads[team_leistung.name].overdue) == (2, 1)


def test_backlog_counts_ocr_waiting_uploads(case_anna, team_leistung):
    document = make_document(case_anna)
    version = document.current_version
    type(version).objects.filter(pk=version.pk).update(ocr_status="pending")

    backlog = dashboard.intake_backlog(team_leistung.jobcenter_id)

    assert backlog.ocr_waiting == 1
    assert backlog.files_waiting == 0


def test_the_page_shows_chart_and_tables_to_team_leads(
    lead, case_anna, team_leistung, caseworker_ben
):
    _fulfilled(
        case_anna, team_leistung, caseworker_ben, days=2, source=Source.PORTAL, done=timezone.now()
    )
    client = Client()
    client.force_login(lead)

    response = client.get(reverse("desk:dashboard"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="fulfilment-chart"' in html
    assert "dash-chart__bar--portal" in html
    assert "1 request: median 2.0 days, 90 % within 2.0" in html
    assert f'data-testid="team-{team_leistung.name.lower().replace(" ", "-")}"' in html


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.MAILROOM])
def test_other_staff_get_no_dashboard(role, team_leistung):
    user = StaffFactory(role=role, jobcenter=team_leistung.jobcenter, teams=[team_leistung])
    client = Client()
    client.force_login(user)
    assert client.get(reverse("desk:dashboard")).status_code == 404


def test_customers_get_no_dashboard(customer_anna):
    client = Client()
    client.force_login(customer_anna)
    assert client.get(reverse("desk:dashboard")).status_code == 404


def test_the_page_speaks_german(lead):
    client = Client()
    client.force_login(lead)
    response = client.get(reverse("desk:dashboard"), HTTP_ACCEPT_LANGUAGE="de")
    assert "Von der Anforderung bis zur Erfüllung" in response.content.decode()
