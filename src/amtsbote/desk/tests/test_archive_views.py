"""Archive packages on the desk: who may export and import, and what the pages do."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, reverse

from amtsbote import urls as root_urls
from amtsbote.accounts.constants import Role
from amtsbote.accounts.tests.factories import StaffFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.models import Case
from amtsbote.cases.tests.factories import JobcenterFactory
from amtsbote.desk import urls as desk_urls
from amtsbote.desk import urls_archive
from amtsbote.documents.models import Document
from amtsbote.records.archive import MANIFEST_NAME, XML_NAME

from .conftest import make_document

pytestmark = pytest.mark.django_db

# Until desk/urls.py includes urls_archive (one line, see docs/archive.md), these tests put
# the archive URLs into the desk namespace themselves; afterwards this changes nothing.
urlpatterns = [
    (
        path("desk/", include((desk_urls.urlpatterns + urls_archive.urlpatterns, "desk")))
        if getattr(pattern.pattern, "_route", "") == "desk/"
        else pattern
    )
    for pattern in root_urls.urlpatterns
]


@pytest.fixture(autouse=True)
def _archive_urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def lead_lena(team_leistung):
    return StaffFactory(
        email="lena@jobcenter.example",
        role=Role.TEAM_LEAD,
        jobcenter=team_leistung.jobcenter,
        teams=[team_leistung],
    )


@pytest.fixture
def neustadt(db):
    return JobcenterFactory(
        name="Jobcenter Neustadt", slug="neustadt", state="BY", team_names=["Leistung"]
    )


@pytest.fixture
def lead_nina(neustadt):
    return StaffFactory(
        email="nina@neustadt.example",
        role=Role.TEAM_LEAD,
        jobcenter=neustadt,
        teams=[neustadt.teams.get()],
    )


@pytest.fixture
def package(client, lead_lena, case_anna, customer_anna) -> bytes:
    make_document(case_anna, title="Mietvertrag", submitted_by=customer_anna)
    client.force_login(lead_lena)
    response = client.get(reverse("desk:archive_export", args=[case_anna.uuid]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    client.logout()
    return data


def test_a_team_lead_downloads_the_package_and_it_is_recorded(client, lead_lena, case_anna):
    make_document(case_anna, title="Mietvertrag")
    client.force_login(lead_lena)
    response = client.get(reverse("desk:archive_export", args=[case_anna.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "akte-96201BG0012345.zip" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert {XML_NAME, MANIFEST_NAME} <= set(archive.namelist())
        assert sum(n.endswith(".pdf") for n in archive.namelist()) >= 2  # version and original
    event = AuditEvent.objects.get(action="records.case.export")
    assert event.actor == lead_lena and event.case_id == case_anna.pk


def test_the_export_form_finds_the_case_by_bg_number(client, lead_lena, case_anna):
    client.force_login(lead_lena)
    response = client.get(reverse("desk:archive"), {"bg_number": "96201BG 0012345"})
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:archive_export", args=[case_anna.uuid])
    response = client.get(reverse("desk:archive"), {"bg_number": "96201BG0000000"})
    assert response.status_code == 404 and b'data-testid="archive-error"' in response.content


@pytest.mark.parametrize("who", ["caseworker_ben", "customer_anna", "stranger_lead"])
def test_only_team_leads_of_the_jobcenter_export(client, request, who, case_anna, neustadt):
    if who == "stranger_lead":
        user = StaffFactory(role=Role.TEAM_LEAD, jobcenter=neustadt)
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("desk:archive_export", args=[case_anna.uuid])).status_code == 404
    assert client.get(reverse("desk:archive")).status_code == (
        404 if who != "stranger_lead" else 200
    )
    assert not AuditEvent.objects.filter(action="records.case.export").exists()


def test_anonymous_people_are_sent_to_the_login(client, case_anna):
    response = client.get(reverse("desk:archive_export", args=[case_anna.uuid]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_team_lead_imports_a_package_and_sees_its_history(client, package, lead_nina, neustadt):
    team = neustadt.teams.get()
    client.force_login(lead_nina)
    response = client.post(
        reverse("desk:archive"),
        {"package": SimpleUploadedFile("akte.zip", package), "teams": [str(team.uuid)]},
    )
    case = Case.objects.get(jobcenter=neustadt)
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:archive_history", args=[case.uuid])
    assert list(case.teams.all()) == [team] and case.documents.count() == 1
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"Jobcenter Musterstadt" in page.content
    assert b"documents.document.create" in page.content
    overview = client.get(reverse("desk:archive"))
    assert case.bg_number.encode() in overview.content


def test_a_damaged_upload_is_refused_with_the_reason(client, package, lead_nina, neustadt):
    with zipfile.ZipFile(io.BytesIO(package)) as old:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as new:
            for name in old.namelist():
                data = old.read(name)
                new.writestr(name, data + b"!" if name.endswith(".pdf") else data)
    documents = Document.objects.count()
    client.force_login(lead_nina)
    response = client.post(
        reverse("desk:archive"), {"package": SimpleUploadedFile("akte.zip", out.getvalue())}
    )
    assert response.status_code == 400
    assert b'data-testid="archive-error"' in response.content
    assert b"dokumente/" in response.content  # the message names the damaged file
    assert not Case.objects.filter(jobcenter=neustadt).exists()
    assert Document.objects.count() == documents


def test_the_imported_history_is_for_the_case_team_and_not_for_strangers(
    client, package, lead_nina, neustadt, stranger_sara
):
    client.force_login(lead_nina)
    client.post(
        reverse("desk:archive"),
        {
            "package": SimpleUploadedFile("akte.zip", package),
            "teams": [str(neustadt.teams.get().uuid)],
        },
    )
    case = Case.objects.get(jobcenter=neustadt)
    url = reverse("desk:archive_history", args=[case.uuid])
    colleague = StaffFactory(jobcenter=neustadt, teams=[neustadt.teams.get()])
    client.force_login(colleague)
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(
        action="cases.case.view", actor=colleague, case_id=case.pk
    ).exists()
    client.force_login(stranger_sara)
    assert client.get(url).status_code == 404
