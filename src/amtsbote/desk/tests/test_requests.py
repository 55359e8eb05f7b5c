from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from amtsbote.cases.tests.factories import CaseFactory, PersonFactory
from amtsbote.core import deadlines
from amtsbote.doc_requests.models import DocRequest
from amtsbote.doc_requests.services import ItemSpec, doc_request_create, submission_create
from amtsbote.documents.models import DocumentType
from amtsbote.documents.tests import samples

pytestmark = pytest.mark.django_db


def form_data(team, **extra):
    types = DocumentType.objects.filter(code__in=["mietvertrag", "kontoauszug"])
    data = {
        "team": team.pk,
        "document_types": [t.pk for t in types],
        "item_1": "Nachweis über Kita-Kosten",
        "item_2": "",
        "item_3": "",
        "deadline": (timezone.localdate() + dt.timedelta(days=21)).isoformat(),
        "message": "Bitte laden Sie die Unterlagen im Portal hoch.",
    }
    data.update(extra)
    return data


def test_request_form_defaults(client_ben, case_anna, customer_anna, team_leistung):
    response = client_ben.get(reverse("desk:request_create", args=[case_anna.uuid]))

    assert response.status_code == 200
    form = response.context["form"]
    deadline = form.fields["deadline"].initial
    assert deadline > timezone.localdate()
    assert deadlines.is_working_day(deadline, state=case_anna.jobcenter.state)
    assert form.fields["team"].initial == team_leistung  # the only team: preselected
    html = response.content.decode()
    assert deadline.strftime("%d.%m.%Y") in html  # inside the legal hint
    assert f'<label class="kern-label" for="{form["deadline"].id_for_label}"' in html
    assert (
        html.count('class="kern-form-check__checkbox"')
        == DocumentType.objects.filter(is_active=True).count()
    )


def test_legal_hint_preview_follows_the_deadline(client_ben, case_anna):
    url = reverse("desk:legal_hint", args=[case_anna.uuid])
    saturday = timezone.localdate() + dt.timedelta(days=30)
    while saturday.weekday() != 5:
        saturday += dt.timedelta(days=1)
    monday = deadlines.next_working_day_on_or_after(saturday, state=case_anna.jobcenter.state)

    html = client_ben.get(url, {"deadline": saturday.isoformat()}).content.decode()

    assert monday.strftime("%d.%m.%Y") in html


def test_create_request_notifies_the_customer(
    client_ben,
    case_anna,
    customer_anna,
    team_leistung,
    mailbox,
    django_capture_on_commit_callbacks,
):
    url = reverse("desk:request_create", args=[case_anna.uuid])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_ben.post(url, form_data(team_leistung))

    doc_request = DocRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:request_detail", args=[doc_request.uuid])
    assert doc_request.case == case_anna
    assert doc_request.team == team_leistung
    assert sorted(doc_request.items.values_list("label", flat=True)) == [
        "Kontoauszüge",
        "Mietvertrag",
        "Nachweis über Kita-Kosten",
    ]
    assert doc_request.message == "Bitte laden Sie die Unterlagen im Portal hoch."
    assert [m["To"] for m in mailbox] == ["anna@example.org"]

    page = client_ben.get(response["Location"])
    html = page.content.decode()
    assert "Die Anforderung wurde erstellt." in html  # German is the default language
    assert html.count('data-testid="item-status"') == 3
    assert 'data-testid="no-portal-account"' not in html
    assert doc_request.legal_hint in html


def test_domain_errors_are_shown_on_the_form(client_ben, case_anna, customer_anna, team_leistung):
    data = form_data(team_leistung, document_types=[], item_1="   ")

    response = client_ben.post(
        reverse("desk:request_create", args=[case_anna.uuid]), data, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert DocRequest.objects.count() == 0
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html
    assert "Choose at least one document" in html


def test_deadline_in_the_past_is_refused(client_ben, case_anna, team_leistung):
    data = form_data(team_leistung, deadline=timezone.localdate().isoformat())
    response = client_ben.post(reverse("desk:request_create", args=[case_anna.uuid]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["deadline"]
    assert DocRequest.objects.count() == 0


def test_team_of_another_jobcenter_cannot_be_chosen(
    client_ben, case_anna, team_leistung, stranger_sara
):
    data = form_data(stranger_sara.teams.get())
    response = client_ben.post(reverse("desk:request_create", args=[case_anna.uuid]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["team"]
    assert DocRequest.objects.count() == 0


def test_request_without_portal_account_says_so(client_ben, caseworker_ben, team_leistung):
    case = CaseFactory(jobcenter=team_leistung.jobcenter, teams=[team_leistung])
    PersonFactory(case=case)
    doc_request = doc_request_create(
        case=case, team=team_leistung, created_by=caseworker_ben, items=[ItemSpec(label="X")]
    )

    response = client_ben.get(reverse("desk:request_detail", args=[doc_request.uuid]))

    assert 'data-testid="no-portal-account"' in response.content.decode()


def test_request_detail_links_fulfilled_documents(
    client_ben, case_anna, customer_anna, caseworker_ben, team_leistung
):
    doc_request = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(label="Mietvertrag"), ItemSpec(label="Kontoauszüge")],
    )
    first = doc_request.items.order_by("position").first()
    submission_create(
        request=doc_request,
        submitted_by=customer_anna,
        files_by_item={first: [("seite.jpg", samples.jpeg_bytes())]},
    )

    response = client_ben.get(reverse("desk:request_detail", args=[doc_request.uuid]))

    html = response.content.decode()
    assert 'data-status="fulfilled"' in html
    assert 'data-status="open"' in html
    assert html.count('data-testid="fulfilled-document"') == 1
    document = first.documents.get()
    assert reverse("desk:document_detail", args=[document.uuid]) in html
    assert 'data-testid="thumbnail"' in html
