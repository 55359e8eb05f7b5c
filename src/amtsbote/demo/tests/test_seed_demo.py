"""seed_demo creates the demo jobcenter once, through the services, and people can log in."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import User
from amtsbote.audit.services import verify_chain
from amtsbote.cases.models import Case, Jobcenter, Person
from amtsbote.doc_requests.models import DocRequest
from amtsbote.documents.models import Document
from amtsbote.eforms.models import FormSubmission
from amtsbote.messaging.models import Thread
from amtsbote.postbox.constants import Channel
from amtsbote.postbox.models import Letter, PrintJob

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(autouse=True)
def _tasks_queued_not_run(settings):
    # The demo queues OCR and mail tasks for the worker; here they are not run.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_jobcenter_once(monkeypatch, client):
    monkeypatch.setenv("AMTSBOTE_DEMO_PASSWORD", "Demo-Passwort-fuer-Tests")

    output = seed()

    assert "Demo data created" in output
    jobcenter = Jobcenter.objects.get()
    assert jobcenter.name == "Jobcenter Musterstadt"
    assert jobcenter.state == "NW"
    assert set(jobcenter.teams.values_list("name", flat=True)) == {
        "Leistung",
        "Markt & Integration",
        "Eingangszone",
    }
    assert Case.objects.filter(jobcenter=jobcenter).count() == 50
    staff = User.objects.filter(jobcenter=jobcenter)
    assert staff.count() == 6
    assert set(staff.values_list("role", flat=True)) == {
        Role.CASEWORKER,
        Role.TEAM_LEAD,
        Role.MAILROOM,
        Role.ADMIN,
    }
    ben = staff.get(email="ben@jobcenter.example")
    assert list(ben.teams.values_list("name", flat=True)) == ["Leistung"]

    anna = Person.objects.select_related("case", "user").get(customer_number="955D123456")
    assert anna.full_name == "Anna Schmidt"
    assert anna.case.bg_number == "96201BG0012345"
    assert anna.user is not None and anna.user.email == "anna@example.org"
    assert anna.user.role == Role.CUSTOMER
    assert ben.teams.filter(cases=anna.case).exists()

    sizes = [case.people.count() for case in Case.objects.all()]
    assert min(sizes) >= 1 and max(sizes) <= 4
    assert 8 <= User.objects.filter(role=Role.CUSTOMER, person__isnull=False).count() <= 12
    assert Document.objects.filter(case=anna.case).exists()
    assert Document.objects.count() >= 15
    assert DocRequest.objects.filter(case=anna.case, status="open").exists()
    # Postbox: Anna consented to electronic Bekanntgabe, the other customer only to uploads.
    assert set(Letter.objects.filter(case=anna.case).values_list("channel", flat=True)) == {
        Channel.DIGITAL
    }
    paper = Letter.objects.exclude(case=anna.case)
    assert paper.count() == 2 and {letter.channel for letter in paper} == {Channel.PAPER}
    assert PrintJob.objects.filter(letter__in=paper).count() == 2
    # Messages: Anna's open thread with a photo and the team's answer.
    thread = Thread.objects.get(case=anna.case)
    assert thread.is_open and thread.team.name == "Leistung"
    assert [m.from_staff for m in thread.messages.all()] == [False, True]
    assert thread.messages.first().document is not None
    # Online forms: Anna's Veränderungsmitteilung with its PDF and follow-up request.
    notice = FormSubmission.objects.get(case=anna.case)
    assert notice.form_code == "veraenderungsmitteilung" and notice.document.current_version
    assert [i.document_type.code for i in notice.follow_ups.get().items.all()] == [
        "mietvertrag",
        "meldebescheinigung",
    ]
    assert verify_chain() is None

    assert client.login(email="anna@example.org", password="Demo-Passwort-fuer-Tests")
    assert client.login(email="ben@jobcenter.example", password="Demo-Passwort-fuer-Tests")

    counts = (Case.objects.count(), Person.objects.count(), Document.objects.count())
    assert "nothing changed" in seed()
    assert (Case.objects.count(), Person.objects.count(), Document.objects.count()) == counts


def test_seed_demo_leaves_real_data_alone(jobcenter):
    jobcenter.slug = "echt"
    jobcenter.save()

    assert "no demo data" in seed()

    assert Jobcenter.objects.count() == 1
    assert not Case.objects.exists()


def test_print_logins_names_the_demo_accounts(monkeypatch):
    monkeypatch.delenv("AMTSBOTE_DEMO_PASSWORD", raising=False)
    seed("--no-documents")

    output = seed("--print-logins", "--site-url", "http://127.0.0.1:8000")

    assert "http://127.0.0.1:8000/accounts/login/" in output
    assert "ben@jobcenter.example" in output
    assert "anna@example.org" in output
    assert "Amtsbote-Demo-2026" in output


def test_seed_demo_needs_no_clamd_but_uploads_still_do(settings, tmp_path):
    """`make run` adds the demo data before any clamd runs: its own generated files are not
    scanned; a customer's upload afterwards is."""
    from amtsbote.core.exceptions import UnsupportedUpload
    from amtsbote.documents import antivirus, processing
    from amtsbote.documents.tests import samples

    settings.ANTIVIRUS_CLAMD = str(tmp_path / "no-clamd.sock")
    call_command("seed_demo", stdout=io.StringIO())
    assert Document.objects.exists()
    assert antivirus.enabled()
    with pytest.raises(UnsupportedUpload, match="Schadsoftware"):
        processing.check_file("foto.jpg", samples.jpeg_bytes())
