"""Records screens: retention rules, closing and reopening a case, erasure requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from amtsbote.audit.models import AuditEvent
from amtsbote.cases.services import case_close
from amtsbote.documents.models import Document, DocumentType
from amtsbote.records import services
from amtsbote.records.constants import ProposalReason, ProposalStatus
from amtsbote.records.models import DisposalProposal, RetentionRule
from amtsbote.records.tests.conftest import closed_long_ago, lead_lena, lead_tom  # noqa: F401

from .conftest import make_document

pytestmark = pytest.mark.django_db


def german(text: str) -> str:
    with translation.override("de"):
        return translation.gettext(text)


def page(response) -> str:
    return response.content.decode()


# --- retention rules ----------------------------------------------------------------------


def test_a_team_lead_creates_changes_and_deletes_a_rule(client, lead_lena):  # noqa: F811
    client.force_login(lead_lena)
    url = reverse("desk:records_rules")
    response = client.get(url)
    assert response.status_code == 200
    assert "10 Jahre" in page(response)  # the default period is shown
    mietvertrag = DocumentType.objects.get(code="mietvertrag")

    response = client.post(
        url, {"register_code": "unterkunft", "document_type": mietvertrag.pk, "years": "12"}
    )
    assert response.status_code == 302
    rule = RetentionRule.objects.get(jobcenter=lead_lena.jobcenter)
    assert (rule.register_code, rule.document_type, rule.years) == ("unterkunft", mietvertrag, 12)
    assert "Unterkunft" in page(client.get(url))

    edit = reverse("desk:records_rule_edit", args=[rule.uuid])
    assert 'value="12"' in page(client.get(edit))
    client.post(edit, {"register_code": "", "document_type": mietvertrag.pk, "years": "15"})
    rule.refresh_from_db()
    assert (rule.register_code, rule.years) == ("", 15)

    delete = reverse("desk:records_rule_delete", args=[rule.uuid])
    assert client.get(delete).status_code == 200
    assert RetentionRule.objects.filter(pk=rule.pk).exists()  # GET only asks
    client.post(delete)
    assert not RetentionRule.objects.filter(pk=rule.pk).exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="records.rule.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["records.rule.set", "records.rule.change", "records.rule.delete"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"years": "0"}, "Mindestens 1 Jahr."),
        ({"years": "101"}, "Höchstens 100 Jahre."),
        ({"years": "zehn"}, "Bitte geben Sie eine ganze Zahl von Jahren ein, zum Beispiel 10."),
        ({"years": "5", "register_code": "nirgends"}, "Bitte wählen Sie ein Register"),
    ],
)
def test_invalid_rules_are_refused_with_what_is_accepted(client, lead_lena, data, message):  # noqa: F811
    client.force_login(lead_lena)
    response = client.post(reverse("desk:records_rules"), data)
    assert response.status_code == 200
    assert message in page(response)
    assert not RetentionRule.objects.exists()


def test_a_second_rule_for_the_same_register_and_type_is_refused(client, lead_lena):  # noqa: F811
    one = services.retention_rule_set(
        jobcenter=lead_lena.jobcenter, years=5, register_code="einkommen"
    )
    other = services.retention_rule_set(
        jobcenter=lead_lena.jobcenter, years=6, register_code="unterkunft"
    )
    client.force_login(lead_lena)
    response = client.post(
        reverse("desk:records_rule_edit", args=[other.uuid]),
        {"register_code": "einkommen", "years": "7"},
    )
    assert "Für dieses Register und diesen Dokumenttyp gibt es schon eine Regel" in page(response)
    other.refresh_from_db()
    one.refresh_from_db()
    assert (other.register_code, one.years) == ("unterkunft", 5)


def test_caseworkers_cannot_and_other_jobcenters_get_404(
    client,
    caseworker_ben,
    stranger_sara,
    lead_lena,  # noqa: F811
):
    from amtsbote.accounts.constants import Role

    rule = services.retention_rule_set(jobcenter=lead_lena.jobcenter, years=5)
    urls = [
        reverse("desk:records_rules"),
        reverse("desk:records_rule_edit", args=[rule.uuid]),
        reverse("desk:records_rule_delete", args=[rule.uuid]),
    ]
    client.force_login(caseworker_ben)
    for url in urls:
        assert client.get(url).status_code == 404
        assert client.post(url, {"years": "3"}).status_code == 404
    stranger_sara.role = Role.TEAM_LEAD
    stranger_sara.save()
    client.force_login(stranger_sara)
    assert client.get(urls[0]).status_code == 200  # their own (empty) list
    assert rule.uuid.hex not in page(client.get(urls[0])).replace("-", "")
    for url in urls[1:]:
        assert client.get(url).status_code == 404
        assert client.post(url, {"years": "3"}).status_code == 404
    rule.refresh_from_db()
    assert rule.years == 5


# --- closing and reopening ----------------------------------------------------------------


def test_a_caseworker_closes_and_reopens_from_the_case_page(client, case_anna, caseworker_ben):
    client.force_login(caseworker_ben)
    detail = reverse("desk:case_detail", args=[case_anna.uuid])
    close = reverse("desk:case_close", args=[case_anna.uuid])
    assert close in page(client.get(detail))
    response = client.get(close)
    assert "Mit dem Schließen beginnt die Aufbewahrungsfrist" in page(response)
    case_anna.refresh_from_db()
    assert case_anna.closed_at is None  # GET only asks

    response = client.post(close, follow=True)
    case_anna.refresh_from_db()
    assert case_anna.closed_at is not None
    closed_local = timezone.localtime(case_anna.closed_at)  # the jobcenter's day, not UTC's
    year = closed_local.year
    closed = closed_local.strftime("%d.%m.%Y")
    assert f"Geschlossen am {closed} — aufbewahrt bis 31.12.{year + 10}" in page(response)
    assert AuditEvent.objects.filter(action="cases.case.close", actor=caseworker_ben).exists()

    reopen = reverse("desk:case_reopen", args=[case_anna.uuid])
    assert "Mit dem Wiederöffnen endet ihre Aufbewahrungsfrist" in page(client.get(reopen))
    client.post(reopen)
    case_anna.refresh_from_db()
    assert case_anna.closed_at is None
    assert AuditEvent.objects.filter(action="cases.case.reopen", actor=caseworker_ben).exists()


def test_closing_lists_what_is_still_open(client, case_anna, caseworker_ben, team_leistung):
    from amtsbote.doc_requests.services import ItemSpec, doc_request_create

    doc_request = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(label="Mietvertrag")],
    )
    client.force_login(caseworker_ben)
    close = reverse("desk:case_close", args=[case_anna.uuid])
    response = client.get(close)
    assert reverse("desk:request_detail", args=[doc_request.uuid]) in page(response)
    assert 'data-testid="case-close-confirm"' not in page(response)
    response = client.post(close, follow=True)
    assert "Die Akte kann noch nicht geschlossen werden" in page(response)
    case_anna.refresh_from_db()
    assert case_anna.closed_at is None


def test_staff_outside_the_team_cannot_close(client, case_anna, stranger_sara):
    client.force_login(stranger_sara)
    assert client.post(reverse("desk:case_close", args=[case_anna.uuid])).status_code == 404
    case_anna.refresh_from_db()
    assert case_anna.closed_at is None


# --- erasure requests ---------------------------------------------------------------------


def test_an_erasure_request_end_to_end_with_four_eyes(
    client,
    case_anna,
    lead_tom,  # noqa: F811
    lead_lena,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    kept = make_document(case_anna, title="Kontoauszug")
    erased = make_document(case_anna, title="Attest Hausarzt")
    client.force_login(lead_tom)
    response = client.get(reverse("desk:records_erasure"), {"bg_number": case_anna.bg_number})
    new = reverse("desk:records_erasure_new", args=[case_anna.uuid])
    assert response["Location"] == new
    assert "Attest Hausarzt" in page(client.get(new))
    response = client.post(
        new,
        {
            "requester": "Anna Schmidt",
            "received_on": "01.03.2024",
            "legal_basis": "Art. 17 Abs. 1 a DSGVO",
            "scope": "documents",
            "documents": [erased.pk],
        },
        follow=True,
    )
    proposal = DisposalProposal.objects.get(reason=ProposalReason.ERASURE)
    assert [i.document for i in proposal.items.all()] == [erased]
    assert "Anna Schmidt, 01.03.2024" in page(response)  # listed as waiting

    decide = reverse("desk:records_decide", args=[proposal.uuid])
    response = client.post(decide, {"decision": "approve"}, follow=True)
    assert german("You proposed this disposal yourself: a second person has to approve it.") in (
        page(response)
    )

    client.force_login(lead_lena)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"decision": "approve"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISPOSED
    assert list(Document.objects.filter(case=case_anna)) == [kept]
    response = client.get(reverse("desk:records_erasure"))
    assert reverse("desk:records_certificate", args=[proposal.uuid]) in page(response)


def test_an_erasure_request_needs_a_selection_and_a_date(client, case_anna, lead_tom):  # noqa: F811
    make_document(case_anna)
    client.force_login(lead_tom)
    response = client.post(
        reverse("desk:records_erasure_new", args=[case_anna.uuid]),
        {"requester": "Anna", "received_on": "März", "legal_basis": "x", "scope": "documents"},
    )
    assert german("Please enter a date like 31.12.2024.") in page(response)
    assert "Bitte wählen Sie die zu löschenden Dokumente aus" in page(response)
    assert not DisposalProposal.objects.exists()


def test_a_legal_hold_blocks_an_erasure_request(
    client,
    closed_long_ago,  # noqa: F811
    lead_tom,  # noqa: F811
    lead_lena,  # noqa: F811
):
    make_document(closed_long_ago)
    services.legal_hold_set(case=closed_long_ago, reason="Klage SG Köln", actor=lead_lena)
    client.force_login(lead_tom)
    url = reverse("desk:records_erasure_new", args=[closed_long_ago.uuid])
    assert 'data-testid="erasure-hold"' in page(client.get(url))
    response = client.post(
        url,
        {
            "requester": "Anna",
            "received_on": "2024-03-01",
            "legal_basis": "Art. 17",
            "scope": "case",
        },
    )
    assert response.status_code == 200
    assert german("The case is under a legal hold: nothing of it may be disposed.") in page(
        response
    )
    assert not DisposalProposal.objects.exists()


def test_erasure_pages_are_for_team_leads_of_the_jobcenter(client, case_anna, caseworker_ben):
    client.force_login(caseworker_ben)
    assert client.get(reverse("desk:records_erasure")).status_code == 404
    url = reverse("desk:records_erasure_new", args=[case_anna.uuid])
    assert client.get(url).status_code == 404


def test_records_pages_link_to_each_other(client, lead_lena):  # noqa: F811
    client.force_login(lead_lena)
    for name in ("desk:records", "desk:records_rules", "desk:records_erasure"):
        text = page(client.get(reverse(name)))
        for target in ("desk:records", "desk:records_rules", "desk:records_erasure"):
            assert f'href="{reverse(target)}"' in text


def test_the_case_page_shows_the_retention(client, case_anna, caseworker_ben):
    case_close(case=case_anna, closed_at=dt.datetime(2019, 6, 1, 10, tzinfo=dt.UTC))
    client.force_login(caseworker_ben)
    text = page(client.get(reverse("desk:case_detail", args=[case_anna.uuid])))
    assert "Geschlossen am 01.06.2019 — aufbewahrt bis 31.12.2029" in text


# --- in real Chromium ---------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rules_screen_in_a_browser(browser, live_server, lead_lena):  # noqa: F811
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(lead_lena)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(locale="de-DE", viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    browser_page = context.new_page()
    try:
        browser_page.goto(f"{live_server.url}/desk/records/")
        browser_page.get_by_test_id("records-nav").get_by_role(
            "link", name="Aufbewahrungsregeln"
        ).click()
        form = browser_page.get_by_test_id("rule-form")
        form.locator('select[name="register_code"]').select_option("unterkunft")
        form.locator('input[name="years"]').fill("0")
        form.get_by_role("button", name="Regel speichern").click()
        assert browser_page.get_by_text("Mindestens 1 Jahr.").is_visible()
        assert not RetentionRule.objects.exists()

        form = browser_page.get_by_test_id("rule-form")
        form.locator('input[name="years"]').fill("12")
        form.get_by_role("button", name="Regel speichern").click()
        row = browser_page.get_by_test_id("rule")
        assert "Unterkunft" in row.inner_text() and "12" in row.inner_text()
        assert RetentionRule.objects.get().years == 12

        row.get_by_role("link", name="Löschen").click()
        browser_page.get_by_test_id("rule-delete").click()
        browser_page.wait_for_selector("text=Noch keine Regeln")
        assert not RetentionRule.objects.exists()
    finally:
        context.close()
