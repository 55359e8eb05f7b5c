import pytest

from .stand_ins import install_if_missing


@pytest.fixture(autouse=True, scope="session")
def _intake_stand_ins():
    install_if_missing()
