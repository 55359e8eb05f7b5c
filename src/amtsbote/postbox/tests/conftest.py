"""Postbox personas: Anna consented to electronic Bekanntgabe, Carl did not."""

from __future__ import annotations

import pytest

from .factories import ConsentFactory


@pytest.fixture
def anna(customer_anna):
    return customer_anna.person


@pytest.fixture
def anna_consents(anna):
    return ConsentFactory(person=anna)


@pytest.fixture
def carl(customer_carl):
    return customer_carl.person
