from __future__ import annotations

import pytest

from .push_service import LoopbackPushService


@pytest.fixture
def push_service(settings):
    """A push service on loopback (the real protocol); its http://127.0.0.1 endpoints are
    allowed for this test only."""
    settings.PUSH_ALLOWED_HOSTS = ["http://127.0.0.1"]
    service = LoopbackPushService().start()
    yield service
    service.stop()
