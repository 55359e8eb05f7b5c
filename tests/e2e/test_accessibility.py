"""Accessibility (BITV 2.0 / WCAG 2.1 AA) of every portal page in every language, in Chromium.

- axe-core (npm ``axe-core``, installed by ``npm ci``) runs on every page of the catalogue
  (tests/e2e/pages.py) in every language with the WCAG 2.0/2.1 A and AA rules: 0 violations.
- On a 360 px wide phone no page scrolls sideways.
- The core loop works with the keyboard alone: sign in, open the to-do, choose a file, send;
  the focused element is always visibly marked.
- Errors are tied to their fields (aria-invalid, aria-describedby) on the upload and
  activation forms.

axe is injected as a page script, which the strict CSP forbids: these contexts bypass the
CSP (the CSP has its own test, test_csp.py).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import BrowserContext, Page, expect

from amtsbote.accounts.tests.factories import PASSWORD
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.documents.models import DocumentType
from amtsbote.documents.tests import samples

from .pages import World, world_build

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(settings.PROJECT_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_WIDTH = 360


def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `npm ci` installs axe-core (package.json)")
    return AXE.read_text()


def axe_violations(page: Page) -> list[str]:
    """axe's WCAG A/AA violations on the page, one readable line per element."""
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    lines = []
    for violation in result["violations"]:
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(
                f"  {violation['id']} ({violation['impact']}): {json.dumps(node['target'])}"
                f"\n    {violation['help']}. {summary[:300]}"
            )
    return lines


def new_context(browser, live_server, *, language: str, width: int = PHONE_WIDTH):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 740},
        bypass_csp=True,
        locale="de-DE",
    )
    context.set_default_timeout(15_000)
    context.add_init_script(script=axe_source())
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    return context


def use_session(context: BrowserContext, world: World, visitor: str, base_url: str, lang: str):
    context.clear_cookies()
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base_url}]
    session = world.session_cookie(visitor)
    if session:
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url})
    context.add_cookies(cookies)  # type: ignore[arg-type]


@pytest.fixture
def world(settings, customer_anna, caseworker_ben, case_anna):
    # The pages are the subject here, not OCR: queued tasks are not run while building.
    tasks = settings.TASKS
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    built = world_build(anna=customer_anna, ben=caseworker_ben, case=case_anna)
    settings.TASKS = tasks
    return built


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the pages' HTML does not depend on the database: axe over 40 pages × 8 languages "
    "runs in the SQLite half of make test only (4 minutes of CI time)",
)
def test_every_page_in_every_language_passes_axe_and_fits_a_phone(browser, live_server, world):
    started = time.monotonic()
    failures: list[str] = []
    pages = sorted(world.pages, key=lambda page: page.visitor)
    for language, _name in settings.LANGUAGES:
        context = new_context(browser, live_server, language=language)
        page = context.new_page()
        visitor = None
        for entry in pages:
            if entry.visitor != visitor:
                visitor = entry.visitor
                use_session(context, world, visitor, live_server.url, language)
            response = page.goto(entry.path)
            where = f"{entry.id} [{language}] {entry.path}"
            if response is None or response.status != 200:
                failures.append(f"{where}: HTTP {response.status if response else '-'}")
                continue
            violations = axe_violations(page)
            if violations:
                failures.append(f"{where}:\n" + "\n".join(violations))
            width, visible = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if width > visible:
                failures.append(f"{where}: {width} px wide on a {PHONE_WIDTH} px screen")
        context.close()
    print(
        f"axe: {len(world.pages)} pages × {len(settings.LANGUAGES)} languages "
        f"in {time.monotonic() - started:.1f} s"
    )
    assert not failures, f"{len(failures)} pages with problems:\n" + "\n".join(failures)


def focus_is_visible(page: Page) -> bool:
    """The focused element, or the label that stands for it (the upload's file inputs are
    visually hidden behind their labels), has an outline or a box shadow (a focus ring)."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const ringed = node => {
                const style = getComputedStyle(node);
                const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
                return outline || style.boxShadow !== 'none';
            };
            return ringed(el) || Array.from(el.labels || []).some(ringed);
        }"""
    )


def tab_to(page: Page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus; every stop on the
    way must show where the focus is."""
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            assert focus_is_visible(page), f"focus on {selector} is not visible"
            return
        assert focus_is_visible(page), "focus not visible on " + page.evaluate(
            "document.activeElement.outerHTML.slice(0, 200)"
        )
    raise AssertionError(f"{selector} not reached with Tab")


@pytest.fixture
def open_request(customer_anna, case_anna, caseworker_ben):
    return doc_request_create(
        case=case_anna,
        team=caseworker_ben.teams.get(),
        created_by=caseworker_ben,
        items=[ItemSpec(document_type=DocumentType.objects.get(code="mietvertrag"))],
        message="Bitte senden Sie uns den Mietvertrag.",
    )


def test_the_core_loop_with_the_keyboard_alone(
    browser, live_server, settings, customer_anna, open_request, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    context = new_context(browser, live_server, language="de", width=1024)
    page = context.new_page()
    page.goto("/accounts/login/")
    tab_to(page, 'input[name="login"]')
    page.keyboard.type(customer_anna.email)
    tab_to(page, 'input[name="password"]')
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/portal/$"))

    tab_to(page, f'a[href="/portal/requests/{open_request.uuid}/"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/portal/requests/{open_request.uuid}/$"))

    photo = tmp_path / "mietvertrag.jpg"
    photo.write_bytes(samples.jpeg_bytes(lines=["Mietvertrag"]))
    tab_to(page, 'input[type="file"]')
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(photo))
    tab_to(page, 'button[type="submit"][data-testid="send"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/portal/receipts/[0-9a-f-]+/$"))
    assert open_request.submissions.count() == 1
    context.close()


def described_text(page: Page, field) -> str:
    """What a screen reader reads as the field's description (aria-describedby)."""
    idents = (field.get_attribute("aria-describedby") or "").split()
    return " ".join(page.locator(f"#{ident}").text_content() or "" for ident in idents).strip()


def test_errors_are_tied_to_their_fields(browser, live_server, world):
    context = new_context(browser, live_server, language="en", width=1024)
    page = context.new_page()

    use_session(context, world, "newcomer", live_server.url, "en")
    page.goto("/portal/activate/")
    page.locator('input[name="code"]').fill("XXXX-XXXX-XXXX")
    page.locator('input[name="code"]').press("Enter")
    field = page.locator('input[name="code"]')
    expect(field).to_have_attribute("aria-invalid", "true")
    error = page.get_by_test_id("activation-error").locator("p").inner_text().strip()
    assert error and error in described_text(page, field)
    assert not axe_violations(page)

    use_session(context, world, "anna", live_server.url, "en")
    page.goto("/portal/forms/veraenderungsmitteilung/move/")
    page.locator('input[name="moving_date"]').fill("1990-01-01")
    page.locator('input[name="postal_code"]').fill("ABC")
    page.locator('main form button[type="submit"]').last.click()
    invalid = page.locator('input[aria-invalid="true"]')
    expect(invalid.first).to_be_visible()
    for index in range(invalid.count()):
        assert described_text(page, invalid.nth(index)), "a form step error is not tied"
    assert not axe_violations(page)

    context.close()


def test_upload_errors_are_tied_to_the_file_fields(browser, live_server, world):
    context = new_context(browser, live_server, language="en", width=1024)
    page = context.new_page()
    use_session(context, world, "anna", live_server.url, "en")
    request_page = next(p for p in world.pages if p.name == "portal:request")
    page.goto(request_page.path)
    bad = Path(settings.PROJECT_DIR) / "README.md"
    page.locator('input[type="file"]').first.set_input_files(str(bad))
    page.locator('[data-testid="send"]').click()
    invalid = page.locator('input[type="file"][aria-invalid="true"]').first
    expect(invalid).to_be_attached()
    assert "README.md" in described_text(page, invalid), "the upload error is not tied"
    assert not axe_violations(page)
    context.close()
