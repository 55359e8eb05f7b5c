"""The online forms story of issue 5, in real Chromium: on her phone, Anna reports a move in
German and again in Arabic (right to left) and photographs the rent contract right away; Ben
(desk, desktop) sees the answers as fields, the PDF, the attached documents and the request
item that is still open (Meldebescheinigung).

Runs on SQLite and on PostgreSQL like the rest of the suite.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amtsbote.accounts.tests.factories import PASSWORD
from amtsbote.core.sealing import verify_pdf
from amtsbote.doc_requests.constants import ItemStatus
from amtsbote.documents.tests import samples
from amtsbote.eforms.models import FormDraft, FormSubmission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page: Page, email: str, next_url: str = "/") -> None:
    page.goto(next_url)
    if "/accounts/login/" in page.url:
        page.locator('input[name="login"]').fill(email)
        page.locator('input[name="password"]').fill(PASSWORD)
        page.locator('form button[type="submit"]').first.click()
        expect(page).not_to_have_url(re.compile("/accounts/login/"))


def photo(lines: list[str]) -> bytes:
    out = io.BytesIO()
    samples.page_image(lines, size=(1500, 2000)).save(out, "JPEG", quality=80)
    return out.getvalue()


def report_move(
    anna: Page,
    *,
    labels: dict[str, str],
    street: str,
    moving_date: dt.date,
    too_old: dt.date | None = None,
) -> None:
    """From the start page through the form to the receipt, with one detour for a wrong date."""
    anna.goto("/portal/")
    anna.get_by_test_id("nav-forms").click()
    anna.get_by_test_id("form-open-veraenderungsmitteilung").click()
    anna.get_by_test_id("form-begin").click()
    expect(anna.get_by_test_id("step-title")).to_have_text(labels["what"])
    anna.get_by_label(labels["move"]).check()
    anna.get_by_test_id("step-next").click()

    expect(anna.get_by_test_id("step-title")).to_have_text(labels["new_home"])
    anna.locator('[name="street"]').fill(street)
    anna.locator('[name="postal_code"]').fill("50667")
    anna.locator('[name="city"]').fill("Köln")
    anna.locator('[name="rent"]').fill("450,00")
    anna.locator('[name="service_charges"]').fill("120,50")
    if too_old is not None:
        anna.locator('[name="moving_date"]').fill(too_old.isoformat())
        anna.get_by_test_id("step-next").click()
        error = anna.locator("#id_moving_date-error")
        expect(error).to_have_text(labels["too_old"])
        expect(anna.get_by_test_id("step-errors")).to_be_visible()
        # Nothing typed is lost, and the draft is still on the server.
        expect(anna.locator('[name="street"]')).to_have_value(street)
        assert FormDraft.objects.filter(form_code="veraenderungsmitteilung").exists()
    anna.locator('[name="moving_date"]').fill(moving_date.isoformat())
    anna.get_by_test_id("step-next").click()

    anna.get_by_test_id("step-next").click()  # anything else? nothing
    expect(anna.get_by_test_id("summary-title")).to_have_text(labels["summary"])
    expect(anna.get_by_test_id("value-move-street")).to_have_text(street)
    anna.get_by_test_id("form-send").click()
    expect(anna.get_by_test_id("form-sent")).to_be_visible()
    expect(anna.get_by_test_id("follow-up-item")).to_have_count(2)
    with anna.expect_download() as download:
        anna.get_by_test_id("form-receipt-pdf").click()
    assert verify_pdf(Path(download.value.path()).read_bytes()).genuine


def attach_rent_contract(anna: Page, pages: list[str]) -> None:
    """The optional last step: photograph the rent contract now (the upload page of the
    follow-up request); the Meldebescheinigung is left for later."""
    anna.get_by_test_id("follow-up-send").click()
    expect(anna).to_have_url(re.compile(r"/portal/requests/[0-9a-f-]+/$"))
    anna.get_by_test_id("camera-0").set_input_files(
        [
            {"name": f"IMG_{n}.jpg", "mimeType": "image/jpeg", "buffer": photo([text])}
            for n, text in enumerate(pages)
        ]
    )
    expect(anna.get_by_test_id("item-0").locator("img")).to_have_count(len(pages))
    anna.get_by_test_id("send").click()
    expect(anna).to_have_url(re.compile(r"/portal/receipts/[0-9a-f-]+/$"), timeout=60_000)
    expect(anna.get_by_test_id("receipt-file")).to_have_count(len(pages))


def test_customer_reports_a_move_in_german_and_arabic_caseworker_sees_it(
    desktop, phone, live_server, settings, caseworker_ben, customer_anna, case_anna
):
    settings.SITE_URL = live_server.url
    today = timezone.localdate()

    # --- German -------------------------------------------------------------------------------
    anna = phone.new_page()
    log_in(anna, "anna@example.org", next_url="/portal/")
    expect(anna.locator("html")).to_have_attribute("lang", "de")
    expect(anna.locator("html")).to_have_attribute("dir", "ltr")
    report_move(
        anna,
        labels={
            "what": "Was hat sich geändert?",
            "move": "Ich bin umgezogen oder ziehe um",
            "new_home": "Ihre neue Wohnung",
            "summary": "Prüfen und senden",
            "too_old": "",
        },
        street="Lindenallee 7",
        moving_date=today - dt.timedelta(days=10),
    )
    attach_rent_contract(anna, ["Mietvertrag Lindenallee", "Seite 1"])

    # --- Arabic, right to left ------------------------------------------------------------------
    anna.goto("/portal/")
    anna.locator("#language-select").select_option("ar")
    anna.get_by_test_id("language-switcher").locator("button").click()
    expect(anna.locator("html")).to_have_attribute("dir", "rtl")
    expect(anna.locator("html")).to_have_attribute("lang", "ar")
    expect(anna.get_by_test_id("nav-forms")).to_contain_text("النماذج")
    report_move(
        anna,
        labels={
            "what": "ما الذي تغيّر؟",
            "move": "انتقلت أو سأنتقل إلى سكن جديد",
            "new_home": "سكنك الجديد",
            "summary": "المراجعة والإرسال",
            "too_old": (
                "هذا التاريخ مضى عليه أكثر من سنة. يرجى التحقق من السنة. إذا كنت قد انتقلت "
                "فعلًا منذ هذه المدة الطويلة، فيرجى التواصل مع مركز التوظيف مباشرة."
            ),
        },
        street="Rosenweg 3",
        moving_date=today - dt.timedelta(days=2),
        too_old=today - dt.timedelta(days=400),
    )
    expect(anna.locator("html")).to_have_attribute("dir", "rtl")
    attach_rent_contract(anna, ["Mietvertrag Rosenweg", "Seite 2"])
    expect(anna.locator("html")).to_have_attribute("dir", "rtl")

    submissions = list(FormSubmission.objects.order_by("created_at"))
    assert [s.language for s in submissions] == ["de", "ar"]
    assert not FormDraft.objects.exists()

    # --- Ben on the desk --------------------------------------------------------------------------
    ben = desktop.new_page()
    log_in(ben, "ben@jobcenter.example", next_url=f"/desk/cases/{case_anna.uuid}/")
    ben.get_by_test_id("case-forms").click()
    rows = ben.get_by_test_id("form-row")
    expect(rows).to_have_count(2)
    rows.first.get_by_role("link").click()  # the newest: the Arabic one

    arabic = submissions[1]
    expect(ben.get_by_test_id("form-title")).to_have_text("Veränderungsmitteilung")
    expect(ben.get_by_test_id("form-reference")).to_have_text(arabic.reference)
    # The structured data, as fields (German labels on the desk).
    expect(ben.get_by_test_id("field-move-street")).to_have_text("Rosenweg 3")
    expect(ben.get_by_test_id("field-move-postal_code")).to_have_text("50667")
    expect(ben.get_by_test_id("field-move-rent")).to_have_text("450,00 €")
    expect(ben.get_by_test_id("field-move-moving_date")).to_have_text(
        (today - dt.timedelta(days=2)).strftime("%d.%m.%Y")
    )
    expect(ben.get_by_text("Kaltmiete (ohne Heiz- und Nebenkosten), monatlich")).to_be_visible()
    # The follow-up request: the rent contract arrived with its document, the Meldebescheinigung
    # is still open.
    items = ben.get_by_test_id("follow-up-item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_attribute("data-status", ItemStatus.FULFILLED)
    expect(items.nth(0)).to_contain_text("Mietvertrag")
    expect(items.nth(0).get_by_test_id("follow-up-document")).to_have_count(1)
    expect(items.nth(1)).to_have_attribute("data-status", ItemStatus.OPEN)
    expect(items.nth(1)).to_contain_text("Meldebescheinigung")

    # The attached rent contract opens with its two photographed pages.
    items.nth(0).get_by_test_id("follow-up-document").click()
    expect(ben.locator("img[src*='/pages/']")).to_have_count(2)
    ben.go_back()

    # The PDF of the form is in the e-file and opens in the viewer.
    ben.get_by_test_id("form-pdf").click()
    expect(ben).to_have_url(re.compile(rf"/desk/documents/{arabic.document.uuid}/$"))
    expect(ben.locator("img[src*='/pages/']")).to_have_count(1)
    with arabic.document.current_version.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")

    # Both requests stay open for the Meldebescheinigung.
    for submission in submissions:
        request = submission.follow_ups.get()
        statuses = [item.status for item in request.items.order_by("position")]
        assert statuses == [ItemStatus.FULFILLED, ItemStatus.OPEN]
