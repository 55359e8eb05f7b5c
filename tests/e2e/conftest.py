"""Browser contexts for the story tests: a desktop for the desk, a phone for the portal.

The ``browser`` fixture (Debian's Chromium) is in the root conftest."""

from __future__ import annotations

import pytest


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="de-DE"
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="de-DE",
        user_agent=(
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
        ),
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()
