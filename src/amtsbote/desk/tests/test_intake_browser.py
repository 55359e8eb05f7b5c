"""Posteingang and triage in real Chromium: XHR upload, then keyboard-only triage."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.test import Client

from amtsbote.accounts.constants import Role
from amtsbote.accounts.tests.factories import StaffFactory
from amtsbote.documents.models import Document
from amtsbote.intake.constants import IntakeStatus
from amtsbote.intake.models import IntakeDocument
from amtsbote.intake.tests import scans
from amtsbote.intake.tests.stand_ins import install_if_missing

from .test_intake_ui import LETTER

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True, scope="module")
def _intake_stand_ins():
    install_if_missing()


@pytest.fixture
def page(browser, live_server, jobcenter):
    mia = StaffFactory(email="mia@jobcenter.example", role=Role.MAILROOM, jobcenter=jobcenter)
    client = Client()
    client.force_login(mia)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()


def screenshot(page, name: str) -> None:
    """Full-page screenshots for a human look, when AMTSBOTE_SCREENSHOTS names a folder."""
    if folder := os.environ.get("AMTSBOTE_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"desk-{name}.png"), full_page=True)


def test_upload_then_triage_by_keyboard(page, live_server, tmp_path, case_anna, customer_anna):
    scan = tmp_path / "brief.pdf"
    scan.write_bytes(scans.text_pdf(LETTER))
    page.goto(f"{live_server.url}/desk/intake/")
    page.set_input_files("#upload-files", str(scan))
    page.click("[data-testid=upload-submit]")
    page.wait_for_selector("[data-testid=upload-line-success]")
    page.wait_for_selector("[data-testid=batch][data-status=done]")
    screenshot(page, "intake")

    [intake] = IntakeDocument.objects.all()
    assert intake.status == IntakeStatus.TRIAGE
    IntakeDocument.objects.filter(pk=intake.pk).update(
        suggestions=[{"case": str(case_anna.uuid), "bg_number": case_anna.bg_number, "score": 0.6}]
    )
    page.goto(f"{live_server.url}/desk/triage/{intake.uuid}/")

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "triage-case-search"
    page.keyboard.type("Schmidt")
    page.wait_for_selector("[data-testid=case-result-assign]")
    page.keyboard.press("Escape")

    screenshot(page, "triage-item")
    page.keyboard.press("t")
    assert page.evaluate("document.activeElement.id") == "triage-type"
    page.keyboard.press("Escape")

    page.keyboard.press("1")
    assert page.evaluate("document.activeElement.dataset.shortcutSuggest") == "1"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/desk/triage/")  # the queue is empty now

    intake.refresh_from_db()
    assert intake.status == IntakeStatus.FILED
    assert Document.objects.filter(case=case_anna).count() == 1
