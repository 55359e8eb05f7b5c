"""The strict Content-Security-Policy in real Chromium: the portal's upload page and the
desk's inbox load without a single violation, and their scripts still work (the upload
page's previews, htmx updating the inbox by itself). A letter's PDF is shown under the
sandboxing policy of file responses (core.http.file_response).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Page, expect

from amtsbote.core.http import FILE_CONTENT_SECURITY_POLICY
from amtsbote.desk.tests.conftest import make_document
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.documents.models import DocumentType
from amtsbote.documents.tests import samples
from amtsbote.postbox.tests.factories import ConsentFactory, send_letter

from .test_core_loop import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Chromium's built-in PDF viewer (an extension with this fixed id).
PDF_VIEWER = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/"

# Runs before any page script, outside the page's policy: records what the browser blocked.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def watch(page: Page) -> list[str]:
    """Console messages about the Content Security Policy, as Chromium reports them."""
    reported: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            reported.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return reported


def violations(page: Page, console: list[str]) -> list[str]:
    return console + page.evaluate("window.__cspViolations || []")


def test_portal_upload_page_has_no_csp_violation_and_its_script_works(
    phone, live_server, customer_anna, case_anna, team_leistung, caseworker_ben
):
    doc_request = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(document_type=DocumentType.objects.get(code="mietvertrag"))],
        message="Bitte senden Sie uns den neuen Mietvertrag.",
    )
    page = phone.new_page()
    console = watch(page)
    log_in(page, "anna@example.org", next_url=f"/portal/requests/{doc_request.uuid}/")
    response = page.reload()
    assert response is not None
    headers = response.all_headers()
    assert headers["content-security-policy"] == django_settings.CONTENT_SECURITY_POLICY
    assert "camera=(self)" in headers["permissions-policy"]

    # upload.js runs: a chosen photo gets a preview (a blob: picture) in the page list.
    page.get_by_test_id("camera-0").set_input_files(
        {"name": "seite.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg_bytes()}
    )
    expect(page.get_by_test_id("page")).to_have_count(1)
    preview = page.get_by_test_id("page").locator("img")
    expect(preview).to_have_attribute("src", re.compile(r"^blob:"))
    expect(preview).to_have_js_property("complete", True)
    assert preview.evaluate("image => image.naturalWidth") > 0  # img-src blob: allowed
    # htmx added no inline style of its own (its indicator style is in utilities.css).
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert violations(page, console) == []


def test_desk_inbox_has_no_csp_violation_and_htmx_updates_it(
    desktop, live_server, caseworker_ben, case_anna, customer_anna
):
    make_document(case_anna, title="Mietvertrag", submitted_by=customer_anna)
    page = desktop.new_page()
    console = watch(page)
    log_in(page, "ben@jobcenter.example", next_url="/desk/")
    expect(page.get_by_test_id("inbox-item")).to_have_count(1)
    page.wait_for_load_state("load")  # htmx is a deferred script
    assert page.evaluate("window.htmx.config.includeIndicatorStyles") is False

    # A new document arrives: htmx's polling brings it into the list without a reload.
    make_document(case_anna, title="Kontoauszug", submitted_by=customer_anna)
    expect(page.get_by_test_id("inbox-item")).to_have_count(2)
    expect(page.get_by_test_id("inbox-items")).to_contain_text("Kontoauszug")
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert violations(page, console) == []

    # The watch works: an inline style attribute is blocked and reported on both channels.
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')"""
        )
    # (no wait_for_function: it evaluates strings, which the CSP forbids)
    for _ in range(50):
        if page.evaluate("window.__cspViolations.length"):
            break
        page.wait_for_timeout(100)
    assert any("style-src" in item for item in page.evaluate("window.__cspViolations"))
    assert page.locator("p[style]").evaluate("p => getComputedStyle(p).color") != "rgb(255, 0, 0)"


def test_a_letter_pdf_opens_inline_under_the_sandbox_policy(
    desktop, live_server, caseworker_ben, customer_anna
):
    ConsentFactory(person=customer_anna.person)
    letter = send_letter(customer_anna.person, by=caseworker_ben)
    page = desktop.new_page()
    log_in(page, "ben@jobcenter.example", next_url=f"/desk/letters/{letter.uuid}/")
    response = page.goto(f"/desk/letters/{letter.uuid}/file/")
    assert response is not None and response.status == 200, response
    headers = response.all_headers()
    assert headers["content-security-policy"] == FILE_CONTENT_SECURITY_POLICY
    assert headers["content-disposition"].startswith("inline;")
    assert headers["x-content-type-options"] == "nosniff"
    # Chromium shows the PDF in its viewer (the PDF viewer's frame is in the page), not as
    # a download and not as a blocked page. Wait until the frame is attached.
    for _ in range(150):
        if any(frame.url.startswith(PDF_VIEWER) for frame in page.frames):
            break
        page.wait_for_timeout(100)
    assert any(frame.url.startswith(PDF_VIEWER) for frame in page.frames), [
        frame.url for frame in page.frames
    ]
