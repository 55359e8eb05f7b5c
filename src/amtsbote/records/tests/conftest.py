from __future__ import annotations

import datetime as dt

import pytest

from amtsbote.accounts.constants import Role
from amtsbote.accounts.tests.factories import StaffFactory
from amtsbote.cases.services import case_close


@pytest.fixture
def lead_lena(team_leistung):
    return StaffFactory(
        email="lena@jobcenter.example",
        first_name="Lena",
        last_name="Lorenz",
        role=Role.TEAM_LEAD,
        jobcenter=team_leistung.jobcenter,
        teams=[team_leistung],
    )


@pytest.fixture
def lead_tom(team_leistung):
    return StaffFactory(
        email="tom@jobcenter.example",
        first_name="Tom",
        last_name="Tauber",
        role=Role.TEAM_LEAD,
        jobcenter=team_leistung.jobcenter,
        teams=[team_leistung],
    )


@pytest.fixture
def closed_long_ago(case_anna):
    """Anna's case, closed in 2010: its ten years ended on 31 December 2020."""
    return case_close(case=case_anna, closed_at=dt.datetime(2010, 5, 3, 9, 0, tzinfo=dt.UTC))
