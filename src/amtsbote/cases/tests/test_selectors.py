"""Who may see which case: the set (``cases_for_staff``) and the row test (``staff_sees_case``)
must always say the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from amtsbote.accounts.tests.factories import StaffFactory
from amtsbote.cases import services
from amtsbote.cases.models import BreakGlassGrant, Case
from amtsbote.cases.selectors import cases_for_staff, staff_sees_case
from amtsbote.cases.tests.factories import CaseFactory
from amtsbote.core.exceptions import ValidationFailed

pytestmark = pytest.mark.django_db


def test_the_row_test_sees_exactly_the_cases_of_the_set(
    jobcenter, team_leistung, caseworker_ben, stranger_sara, case_anna, customer_anna
):
    markt = jobcenter.teams.get(name="Markt & Integration")
    other_team = CaseFactory(jobcenter=jobcenter, teams=[markt])
    no_team = CaseFactory(jobcenter=jobcenter, teams=[])
    both_teams = CaseFactory(jobcenter=jobcenter, teams=[team_leistung, markt])
    granted = CaseFactory(jobcenter=jobcenter, teams=[markt])
    expired = CaseFactory(jobcenter=jobcenter, teams=[markt])
    foreign = CaseFactory(jobcenter=stranger_sara.jobcenter, teams=[])
    services.break_glass_grant(
        user=caseworker_ben, case=granted, category="other", reason="Anruf der Kundin, Notfall"
    )
    grant = services.break_glass_grant(
        user=caseworker_ben, case=expired, category="other", reason="Anruf der Kundin, Notfall"
    )
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    # Ben is also in a team of another jobcenter: that team's cases stay out of his sight.
    foreign_team = stranger_sara.jobcenter.teams.get(name="Leistung")
    foreign.teams.set([foreign_team])
    caseworker_ben.teams.add(foreign_team)
    lead = StaffFactory(jobcenter=jobcenter, teams=[markt])
    everyone = [caseworker_ben, stranger_sara, lead, customer_anna]

    for user in everyone:
        as_set = set(cases_for_staff(user).values_list("pk", flat=True))
        as_rows = set(Case.objects.filter(staff_sees_case(user, "pk")).values_list("pk", flat=True))
        assert as_rows == as_set, user
    assert set(Case.objects.filter(staff_sees_case(caseworker_ben, "pk"))) == {
        case_anna,
        both_teams,
        granted,
    }
    assert not Case.objects.filter(staff_sees_case(customer_anna, "pk")).exists()
    assert no_team not in Case.objects.filter(staff_sees_case(lead, "pk"))
    assert other_team in Case.objects.filter(staff_sees_case(lead, "pk"))


def test_a_case_is_never_given_to_a_team_of_another_jobcenter(jobcenter, stranger_sara):
    foreign_team = stranger_sara.jobcenter.teams.get(name="Leistung")
    with pytest.raises(ValidationFailed, match="anderen Jobcenters"):
        services.case_create(jobcenter=jobcenter, bg_number="96201BG0000042", teams=[foreign_team])
    assert not Case.objects.filter(bg_number="96201BG0000042").exists()
