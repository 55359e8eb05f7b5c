from __future__ import annotations

import pytest

from amtsbote.accounts.tests.factories import StaffFactory, UserFactory
from amtsbote.cases.tests.factories import PersonFactory


@pytest.fixture
def member_max(case_anna):
    """Anna's partner in the same household, with a portal account of his own."""
    user = UserFactory(email="max@example.org", first_name="Max", last_name="Schmidt")
    PersonFactory(case=case_anna, first_name="Max", last_name="Schmidt", user=user, position=1)
    return user


@pytest.fixture
def caseworker_mia(jobcenter):
    """Same jobcenter, team Markt & Integration, which does not work on Anna's household."""
    return StaffFactory(
        email="mia@jobcenter.example",
        first_name="Mia",
        last_name="Maier",
        jobcenter=jobcenter,
        teams=[jobcenter.teams.get(name="Markt & Integration")],
    )


@pytest.fixture
def colleague_cem(team_leistung):
    return StaffFactory(
        email="cem@jobcenter.example",
        first_name="Cem",
        last_name="Yilmaz",
        jobcenter=team_leistung.jobcenter,
        teams=[team_leistung],
    )
