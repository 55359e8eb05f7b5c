"""Help, Leichte Sprache and the accessibility statement in real Chromium: axe, keyboard.

The catalogue test (tests/e2e/test_accessibility.py) checks these pages as Anna sees them;
here they are checked as an anonymous visitor sees them, with the feedback form's error state,
and the feedback form is used with the keyboard alone.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from tests.e2e.test_accessibility import axe_violations, new_context

from amtsbote.core.models import AccessibilityFeedback

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = ["portal:help", "portal:easy", "portal:accessibility"]


def test_pages_pass_axe_for_anonymous_visitors(browser, live_server):
    failures = []
    for language in ("de-ls", "en", "ar"):
        context = new_context(browser, live_server, language=language)
        page = context.new_page()
        for name in PAGES:
            page.goto(reverse(name))
            failures += [f"{name} [{language}]\n{line}" for line in axe_violations(page)]
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                failures.append(f"{name} [{language}]: scrolls sideways by {overflow}px")
        # The form's error state: errors tied to the field, still no violations.
        page.goto(reverse("portal:accessibility"))
        page.locator('[data-testid="feedback-submit"]').click()
        expect(page.locator("#id_message")).to_have_attribute("aria-invalid", "true")
        failures += [f"feedback errors [{language}]\n{line}" for line in axe_violations(page)]
        context.close()
    assert not failures, "\n".join(failures)


def test_a_barrier_is_reported_with_the_keyboard_alone(browser, live_server, settings, mailbox):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "barrierefreiheit@jobcenter.example"
    context = new_context(browser, live_server, language="en")
    page = context.new_page()
    page.goto(reverse("portal:help"))
    _tab_to(page, "footer-accessibility")
    page.keyboard.press("Enter")
    expect(page.locator('[data-testid="accessibility-page"]')).to_be_visible()
    _tab_to(page, "id_message", by_id=True)
    page.keyboard.type("The language switcher has no visible focus.")
    _tab_to(page, "feedback-submit")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you for your report")).to_be_visible()
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message == "The language switcher has no visible focus."
    assert feedback.page_url == reverse("portal:help")
    assert feedback.language == "en"
    assert [mail["To"] for mail in mailbox] == ["barrierefreiheit@jobcenter.example"]
    context.close()


def _tab_to(page, target: str, *, by_id: bool = False, presses: int = 80) -> None:
    """Press Tab until the element (by data-testid, or by id) has the focus."""
    probe = "document.activeElement.id" if by_id else "document.activeElement.dataset.testid"
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(probe) == target:
            return
    pytest.fail(f"{target} cannot be reached with Tab")
