"""Issue 7, in real Chromium: a representative with "read letters" only.

Anna gives a counselling service access to her letters on her "Vertretung" page and passes
the invitation code on → Rita of the Beratungsstelle logs in, enters the code, sees in
whose name she acts, reads Anna's Bescheid → the household's document request offers her
nothing: no upload link, and its upload page answers 404.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.cases.models import Representation
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.postbox.tests.factories import ConsentFactory, send_letter

from .test_core_loop import log_in, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_representative_with_read_letters_only_cannot_upload(
    phone, browser, live_server, settings, caseworker_ben, team_leistung, customer_anna
):
    settings.SITE_URL = live_server.url
    case = customer_anna.person.case
    UserFactory(email="rita@beratung.example", first_name="Rita", last_name="Rat")
    ConsentFactory(person=customer_anna.person)
    send_letter(customer_anna.person, by=caseworker_ben, subject="Bewilligungsbescheid Bürgergeld")
    doc_request = doc_request_create(
        case=case,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(label="Mietvertrag")],
    )

    # --- Anna lets the counselling service read her letters, nothing else ---
    anna = phone.new_page()
    log_in(anna, "anna@example.org", next_url="/portal/representation/")
    form = anna.get_by_test_id("grant-form")
    form.locator('input[name="email"]').fill("rita@beratung.example")
    form.locator('select[name="kind"]').select_option("counselling")
    form.locator('input[value="read_letters"]').check()
    until = timezone.localdate() + dt.timedelta(days=90)
    form.locator('input[name="valid_until"]').fill(until.isoformat())
    anna.get_by_test_id("grant-submit").click()
    # Whether or not the address has an account: a code to pass on, the grant waits for it.
    code = anna.get_by_test_id("invitation-code").inner_text().strip()
    expect(anna.get_by_test_id("own-grant")).to_contain_text("rita@beratung.example")
    grant = Representation.objects.get()
    assert grant.scope_list == ["read_letters"] and grant.representative is None
    shot(anna, "portal-representation-customer")

    # --- Rita acts in Anna's name, visibly, and reads the Bescheid ---
    # (a browser of her own: the phone's context holds Anna's session)
    rita_context = browser.new_context(base_url=live_server.url, locale="de-DE")
    rita_context.set_default_timeout(15_000)
    rita = rita_context.new_page()
    log_in(rita, "rita@beratung.example", next_url="/portal/activate/")
    rita.get_by_test_id("activation-code").fill(code)
    rita.get_by_test_id("activate-submit").click()
    expect(rita.get_by_test_id("acting-for")).to_contain_text("Anna Schmidt")
    rita.goto("/portal/representation/")
    expect(rita.get_by_test_id("acting-current")).to_contain_text("Anna Schmidt")
    expect(rita.get_by_test_id("acting-current")).to_contain_text("96201BG0012345")
    shot(rita, "portal-representation-acting")
    rita.goto("/portal/postbox/")
    rita.get_by_role("link", name="Bewilligungsbescheid Bürgergeld").click()
    expect(rita.locator("h1")).to_contain_text("Bewilligungsbescheid Bürgergeld")

    # --- … but she cannot upload: no link to the request, its page is a 404 ---
    rita.goto("/portal/")
    expect(rita.locator(f'a[href*="/portal/requests/{doc_request.uuid}/"]')).to_have_count(0)
    response = rita.goto(f"/portal/requests/{doc_request.uuid}/")
    assert response is not None and response.status == 404
    expect(rita.locator('input[type="file"]')).to_have_count(0)
    # Anna herself still sees the request and can upload.
    anna.goto(f"/portal/requests/{doc_request.uuid}/")
    expect(anna.locator('input[type="file"]').first).to_be_attached()
    rita_context.close()
