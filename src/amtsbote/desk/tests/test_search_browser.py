"""Paging through search results in real Chromium: htmx swaps the results, the address follows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from amtsbote.documents.tests.test_search import add_document

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page(browser, live_server, caseworker_ben):
    client = Client()
    client.force_login(caseworker_ben)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()


def test_next_page_swaps_only_the_results_and_back_returns(page, live_server, case_anna):
    base = timezone.make_aware(dt.datetime(2026, 1, 1, 9))
    for n in range(25):
        add_document(
            case_anna,
            title=f"Kontoauszug {n:02d}",
            text="Girokonto Sparkasse",
            received_at=base + dt.timedelta(hours=n),
        )
    page.goto(f"{live_server.url}/desk/search/?q=Girokonto&type=sonstiges")
    count = page.locator("[data-testid=search-count]")
    assert count.inner_text() == "1–20 of 25 hits"
    page.evaluate("window.notReloaded = true")

    page.click("[data-testid=pagination-next]")

    # (no wait_for_function: it evaluates strings, which the CSP forbids)
    page.wait_for_url(lambda url: "page=2" in url)
    assert count.inner_text() == "21–25 of 25 hits"
    assert page.locator("[data-testid=document-hit-link]").all_inner_texts() == [
        f"Kontoauszug {n:02d}" for n in range(4, -1, -1)
    ]
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.activeElement.dataset.testid") == "search-count"
    assert page.input_value("#id_q") == "Girokonto"
    assert "type=sonstiges" in page.url

    page.go_back()
    page.wait_for_url(lambda url: "page=2" not in url)
    expect(count).to_have_text(re.compile("^1–20"))
