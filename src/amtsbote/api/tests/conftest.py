"""Personas of the API tests: the benefits software of Jobcenter Musterstadt (every scope),
the same software without scopes, and the one of another jobcenter."""

from __future__ import annotations

import pytest

from amtsbote.cases.tests.factories import JobcenterFactory

from .factories import api_client_with_key, http


@pytest.fixture
def fachverfahren(jobcenter, team_leistung):
    client, key = api_client_with_key(jobcenter)
    client.key = key
    client.http = http(key)
    return client


@pytest.fixture
def api(fachverfahren):
    """The HTTP client of the benefits software of Jobcenter Musterstadt."""
    return fachverfahren.http


@pytest.fixture
def api_no_scope(jobcenter):
    _client, key = api_client_with_key(jobcenter, scopes=[], name="Scanner ohne Rechte")
    return http(key)


@pytest.fixture
def api_other_jobcenter(db):
    other = JobcenterFactory(name="Jobcenter Anderswo", slug="api-anderswo", team_names=["L"])
    _client, key = api_client_with_key(other, name="Fachverfahren Anderswo")
    return http(key)
