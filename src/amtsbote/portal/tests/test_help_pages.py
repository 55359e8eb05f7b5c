"""Help, the start page in Leichte Sprache, the accessibility statement and its feedback form."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from amtsbote.core.models import AccessibilityFeedback

pytestmark = pytest.mark.django_db

PAGES = ["portal:help", "portal:easy", "portal:accessibility"]
LANGUAGES = [
    ("de", "de", "ltr"),
    ("de-ls", "de-x-ls", "ltr"),
    ("en", "en", "ltr"),
    ("ar", "ar", "rtl"),
]
CONTACT = "barrierefreiheit@jobcenter.example"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contact(settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = CONTACT
    settings.ACCESSIBILITY_CONTACT_NAME = "Jobcenter Musterstadt, Team Barrierefreiheit"
    settings.ACCESSIBILITY_CONTACT_PHONE = "+49 2345 678-0"
    return CONTACT


def _in_language(client: Client, code: str) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = code
    return client


def _feedback(**overrides: str) -> dict[str, str]:
    return {
        "message": "The upload button cannot be reached with the keyboard.",
        "page_url": "/portal/requests/",
        "name": "Erika Muster",
        "email": "erika@example.org",
        **overrides,
    }


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("code", "html_lang", "direction"), LANGUAGES)
def test_pages_render_for_anonymous_visitors(page, code, html_lang, direction):
    response = _in_language(Client(), code).get(reverse(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{html_lang}"' in html
    assert f'dir="{direction}"' in html
    for link in ("footer-help", "footer-easy", "footer-accessibility"):
        assert f'data-testid="{link}"' in html
    assert 'data-testid="logout"' not in html


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("code", "html_lang", "direction"), LANGUAGES)
def test_pages_render_for_signed_in_customers(anna_client, page, code, html_lang, direction):
    response = _in_language(anna_client, code).get(reverse(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{html_lang}"' in html
    assert f'dir="{direction}"' in html
    assert 'data-testid="logout"' in html


def test_footer_links_on_the_start_page(anna_client):
    html = anna_client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:help")}"' in html
    assert f'href="{reverse("portal:easy")}"' in html
    assert f'href="{reverse("portal:accessibility")}?from=/portal/"' in html


def test_easy_page_explains_the_start_page(anna_client):
    html = _in_language(anna_client, "en").get(reverse("portal:easy")).content.decode()
    for part in ("easy-todos", "easy-letters", "easy-messages", "easy-forms", "easy-photo"):
        assert f'data-testid="{part}"' in html
    # The steps name the buttons with the labels the upload page really shows.
    assert "Tap the button “Send documents”." in html
    assert "Tap “Take photos”." in html
    assert "kern-icon--checklist" in html and "kern-icon--mail" in html


def test_help_shows_the_jobcenter_of_a_signed_in_customer(anna_client, case_anna, settings):
    case_anna.jobcenter.phone = "+49 2345 678-0"
    case_anna.jobcenter.save()
    settings.POSTBOX_POLICY = "sgb_x"
    settings.POSTBOX_BEKANNTGABE_DAYS = 4
    html = _in_language(anna_client, "en").get(reverse("portal:help")).content.decode()
    assert "Jobcenter Musterstadt" in html
    assert '<bdi dir="ltr">+49 2345 678-0</bdi>' in html
    assert "counts as received 4 days after we told you" in html
    assert f'href="{reverse("portal:easy")}"' in html


def test_help_leaves_out_the_day_count_under_the_vwvfg_policy(settings):
    settings.POSTBOX_POLICY = "vwvfg"
    html = _in_language(Client(), "en").get(reverse("portal:help")).content.decode()
    assert "counts as received" not in html


def test_statement_follows_the_model(contact, settings):
    settings.ACCESSIBILITY_STATEMENT_DATE = "2026-11-20"
    response = _in_language(Client(), "en").get(reverse("portal:accessibility"))
    html = response.content.decode()
    assert "partially compliant" in html
    for gap in ("gap-pdf", "gap-easy", "gap-sign", "gap-desk"):
        assert f'data-testid="{gap}"' in html
    assert "prepared on Nov. 20, 2026" in html
    assert "axe-core" in html
    assert f'<bdi dir="ltr">{CONTACT}</bdi>' in html
    assert 'href="https://www.schlichtungsstelle-bgg.de"' in html
    assert "Mauerstraße 53" in html
    assert 'data-testid="feedback-form"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_statement_in_arabic_keeps_addresses_left_to_right(contact):
    html = _in_language(Client(), "ar").get(reverse("portal:accessibility")).content.decode()
    assert 'dir="rtl"' in html
    assert f'<bdi dir="ltr">{CONTACT}</bdi>' in html
    assert '<bdi dir="ltr">https://www.schlichtungsstelle-bgg.de</bdi>' in html


def test_statement_prefills_the_page_the_visitor_came_from():
    client = _in_language(Client(), "en")
    html = client.get(reverse("portal:accessibility"), {"from": "/portal/postbox/"})
    assert 'value="/portal/postbox/"' in _page_url_input(html.content.decode())
    foreign = client.get(reverse("portal:accessibility"), {"from": "https://evil.example/x"})
    assert "value=" not in _page_url_input(foreign.content.decode())


def _page_url_input(html: str) -> str:
    start = html.index('name="page_url"')
    return html[html.rindex("<input", 0, start) : html.index(">", start)]


def test_anonymous_feedback_is_stored_and_mailed(
    contact, mailbox, django_capture_on_commit_callbacks
):
    client = _in_language(Client(), "en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:accessibility"), _feedback())
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:accessibility") + "#feedback"
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message == "The upload button cannot be reached with the keyboard."
    assert feedback.page_url == "/portal/requests/"
    assert feedback.email == "erika@example.org"
    assert feedback.language == "en"
    assert feedback.user is None
    assert feedback.handled is False
    assert len(mailbox) == 1
    mail = mailbox[0]
    assert mail["To"] == CONTACT
    assert mail["Reply-To"] == "erika@example.org"
    body = mail.get_payload(decode=True).decode()
    assert "cannot be reached with the keyboard" in body
    assert "/portal/requests/" in body
    page = client.get(response["Location"])
    assert b"Thank you for your report" in page.content


def test_feedback_of_a_signed_in_customer_keeps_the_account(
    anna_client, customer_anna, contact, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = anna_client.post(
            reverse("portal:accessibility"), _feedback(name="", email="", page_url="")
        )
    assert response.status_code == 302
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.user == customer_anna
    assert len(mailbox) == 1
    assert mailbox[0]["Reply-To"] is None


def test_feedback_without_a_configured_contact_is_stored_only(
    settings, mailbox, django_capture_on_commit_callbacks
):
    settings.ACCESSIBILITY_CONTACT_EMAIL = ""
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("portal:accessibility"), _feedback())
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.count() == 1
    assert mailbox == []


def test_feedback_keeps_only_pages_of_this_site(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            reverse("portal:accessibility"), _feedback(page_url="https://evil.example/phish")
        )
    assert AccessibilityFeedback.objects.get().page_url == ""


@pytest.mark.parametrize("message", ["", "   "])
def test_empty_feedback_is_refused_at_the_field(contact, mailbox, message):
    response = _in_language(Client(), "en").post(
        reverse("portal:accessibility"), _feedback(message=message)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_message_error"' in html
    assert "Please describe the barrier." in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_message_helptext id_message_error"' in html
    assert AccessibilityFeedback.objects.count() == 0
    assert mailbox == []


def test_too_long_feedback_is_refused_at_the_field(settings, contact, mailbox):
    settings.ACCESSIBILITY_FEEDBACK_MAX_LENGTH = 50
    response = _in_language(Client(), "en").post(
        reverse("portal:accessibility"), _feedback(message="x" * 51)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_message_error"' in html
    assert "at most 50 characters" in html
    assert 'maxlength="50"' in html
    assert AccessibilityFeedback.objects.count() == 0


def test_default_length_limit(contact):
    response = Client().post(reverse("portal:accessibility"), _feedback(message="x" * 5001))
    assert response.status_code == 400
    assert AccessibilityFeedback.objects.count() == 0
    ok = Client().post(reverse("portal:accessibility"), _feedback(message="x" * 5000))
    assert ok.status_code == 302


def test_invalid_email_is_refused_at_the_field():
    response = _in_language(Client(), "en").post(
        reverse("portal:accessibility"), _feedback(email="not-an-address")
    )
    assert response.status_code == 400
    assert b'id="id_email_error"' in response.content
    assert AccessibilityFeedback.objects.count() == 0


def test_feedback_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("portal:accessibility"), _feedback())
    assert response.status_code == 403
    assert AccessibilityFeedback.objects.count() == 0


def test_feedback_is_throttled_per_sender(settings, anna_client):
    settings.ACCESSIBILITY_FEEDBACK_PER_HOUR = 2
    client = _in_language(Client(), "en")
    for _ in range(2):
        assert client.post(reverse("portal:accessibility"), _feedback()).status_code == 302
    refused = client.post(reverse("portal:accessibility"), _feedback())
    assert refused.status_code == 429
    assert b"You have sent many reports in the last hour" in refused.content
    assert b'data-testid="form-errors"' in refused.content
    assert AccessibilityFeedback.objects.count() == 2
    # Another address, and a signed-in customer, have counters of their own.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(reverse("portal:accessibility"), _feedback()).status_code == 302
    assert AccessibilityFeedback.objects.count() == 3
    assert anna_client.post(reverse("portal:accessibility"), _feedback()).status_code == 302
    assert AccessibilityFeedback.objects.count() == 4


def test_a_configured_arbitration_board_replaces_the_federal_one(settings):
    settings.ACCESSIBILITY_ARBITRATION_NAME = "Ombudsstelle für barrierefreie IT des Landes"
    settings.ACCESSIBILITY_ARBITRATION_URL = "https://ombudsstelle.land.example"
    html = _in_language(Client(), "en").get(reverse("portal:accessibility")).content.decode()
    assert "Ombudsstelle für barrierefreie IT des Landes" in html
    assert 'href="https://ombudsstelle.land.example"' in html
    assert "schlichtungsstelle-bgg.de" not in html
    assert "Mauerstraße" not in html
