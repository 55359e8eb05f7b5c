from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
from django.conf import settings
from django.urls import reverse

from amtsbote.accounts.models import ActivationCode
from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.core import refcodes

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_tom(case_anna):
    return PersonFactory(
        case=case_anna,
        first_name="Tom",
        last_name="Schmidt",
        street="Hauptstraße 1",
        postal_code="12345",
        city="Musterstadt",
        position=1,
    )


def issue(client, person):
    response = client.post(reverse("desk:activation_create", args=[person.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    code = re.search(r'name="code" value="([A-Z0-9]+)"', html).group(1)
    return response, html, code


def test_issue_shows_the_code_once_with_qr(client_ben, person_tom):
    response, html, code = issue(client_ben, person_tom)

    activation = ActivationCode.objects.get(person=person_tom)
    assert activation.status == "active"
    assert refcodes.is_valid(code)
    assert activation.hint == code[-4:]
    assert refcodes.group(code) in html
    assert "<svg" in html
    assert response.context["activation_url"] == (
        f"{settings.SITE_URL}{reverse('portal:activate')}?code={code}"
    )
    assert response["Cache-Control"] == "no-store"
    assert reverse("desk:activation_letter", args=[activation.uuid]) in html
    # The code is not shown anywhere else later.
    case_page = client_ben.get(reverse("desk:case_detail", args=[person_tom.case.uuid]))
    assert code not in case_page.content.decode()
    assert 'data-testid="activation-code"' in case_page.content.decode()


def test_letter_is_a_pdf(client_ben, person_tom):
    _response, _html, code = issue(client_ben, person_tom)
    activation = ActivationCode.objects.get(person=person_tom)

    response = client_ben.post(
        reverse("desk:activation_letter", args=[activation.uuid]),
        {"code": refcodes.group(code)},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
    pdf = pdfium.PdfDocument(response.content)
    text = pdf[0].get_textpage().get_text_range()
    assert len(pdf) == 1
    assert refcodes.group(code) in "".join(text.split())  # letter-spaced in the PDF
    assert "Hauptstraße 1" in text


def test_letter_needs_the_right_code(client_ben, person_tom):
    _response, _html, code = issue(client_ben, person_tom)
    activation = ActivationCode.objects.get(person=person_tom)
    wrong = refcodes.generate(len(code))

    url = reverse("desk:activation_letter", args=[activation.uuid])
    assert client_ben.post(url, {"code": wrong}).status_code == 404
    assert client_ben.post(url, {}).status_code == 404


def test_revoke(client_ben, person_tom):
    _response, _html, code = issue(client_ben, person_tom)
    activation = ActivationCode.objects.get(person=person_tom)

    response = client_ben.post(reverse("desk:activation_revoke", args=[activation.uuid]))

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:case_detail", args=[person_tom.case.uuid])
    activation.refresh_from_db()
    assert activation.status == "revoked"
    letter = client_ben.post(
        reverse("desk:activation_letter", args=[activation.uuid]), {"code": code}
    )
    assert letter.status_code == 302  # no letter for a revoked code


def test_activation_needs_post(client_ben, person_tom):
    response = client_ben.get(reverse("desk:activation_create", args=[person_tom.uuid]))
    assert response.status_code == 405
    assert not ActivationCode.objects.exists()
