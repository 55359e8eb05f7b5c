"""Rules of messaging, through the services: routing, attachments into the e-file, nothing
half-stored, mail without content in the customer's language, read state, closing as PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from amtsbote.audit.models import AuditEvent
from amtsbote.cases.tests.factories import JobcenterFactory
from amtsbote.core.exceptions import PermissionDenied, UnsupportedUpload, ValidationFailed
from amtsbote.documents.constants import Source
from amtsbote.documents.models import Document
from amtsbote.documents.tests import samples
from amtsbote.messaging.constants import ThreadStatus
from amtsbote.messaging.models import Message, Thread, Topic
from amtsbote.messaging.selectors import (
    team_inbox,
    threads_for_customer,
    unread_thread_count_for_customer,
)
from amtsbote.messaging.services import (
    canned_reply_create,
    canned_reply_delete,
    message_send_by_customer,
    thread_assign,
    thread_close,
    thread_mark_read,
    thread_reply,
    thread_start,
    thread_start_by_staff,
    topic_defaults_ensure,
    topic_set,
)

from .factories import photo, start, topic

pytestmark = pytest.mark.django_db


def actions(case_id) -> list[str]:
    return list(
        AuditEvent.objects.filter(case_id=case_id).order_by("id").values_list("action", flat=True)
    )


def test_default_topics_route_to_teams_and_fall_back(jobcenter):
    topics = {t.code: t.team.name for t in topic_defaults_ensure(jobcenter=jobcenter)}
    assert topics == {
        "leistung": "Leistung",
        "vermittlung": "Markt & Integration",
        "allgemein": "Leistung",
    }
    assert topic_defaults_ensure(jobcenter=jobcenter)  # twice: nothing new
    assert Topic.objects.filter(jobcenter=jobcenter).count() == 3
    small = JobcenterFactory(team_names=["Team A"])
    assert {t.team.name for t in topic_defaults_ensure(jobcenter=small)} == {"Team A"}
    assert topic_defaults_ensure(jobcenter=JobcenterFactory()) == []


def test_topic_set_reroutes_within_the_jobcenter(jobcenter, stranger_sara):
    markt = jobcenter.teams.get(name="Markt & Integration")
    assert topic_set(jobcenter=jobcenter, code="allgemein", team=markt).team == markt
    new = topic_set(jobcenter=jobcenter, code="umzug", team=markt, label="Umzug")
    assert new.display_label == "Umzug"
    with pytest.raises(ValidationFailed):
        topic_set(jobcenter=jobcenter, code="x", team=stranger_sara.teams.get(), label="X")


def test_message_with_attachments_is_filed_in_the_e_file(customer_anna, team_leistung, settings):
    files = [photo("Seite 1"), ("brief.pdf", samples.pdf_bytes(2, ["Brief"]))]
    message = thread_start(
        customer=customer_anna,
        topic=topic(team_leistung.jobcenter),
        subject="Neuer Mietvertrag",
        body="Anbei mein neuer Mietvertrag.",
        files=files,
    )
    thread = message.thread
    assert thread.team == team_leistung and thread.person == customer_anna.person
    assert thread.status == ThreadStatus.OPEN
    document = message.document
    assert document.case == thread.case and document.register.code == "schriftverkehr"
    assert document.source == Source.PORTAL and document.submitted_by == customer_anna
    assert document.current_version.pages == 3
    originals = list(document.originals.order_by("position"))
    assert [o.filename for o in originals] == ["foto.jpg", "brief.pdf"]
    with originals[1].file.open("rb") as handle:  # kept rewritten (docs/security.md)
        assert handle.read().startswith(b"%PDF")
    assert message.reference and len(message.manifest["files"]) == 2
    assert message.manifest["files"][0]["sha256"] == originals[0].sha256
    assert actions(thread.case_id)[-3:] == [
        "messaging.thread.start",
        "documents.document.create",
        "messaging.thread.message",
    ]


def test_a_bad_file_refuses_the_whole_message_and_nothing_is_stored(
    customer_anna, team_leistung, settings
):
    with pytest.raises(UnsupportedUpload):
        thread_start(
            customer=customer_anna,
            topic=topic(team_leistung.jobcenter),
            subject="x",
            body="Text",
            files=[photo(), ("virus.exe", b"MZ\x90\x00 not a document")],
        )
    assert not Thread.objects.exists() and not Document.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_customer_without_household_and_empty_text_are_refused(customer_anna, django_user_model):
    nobody = django_user_model.objects.create_user("nobody@example.org", "x")
    jobcenter_topic = topic(customer_anna.person.case.jobcenter)
    with pytest.raises(PermissionDenied):
        thread_start(customer=nobody, topic=jobcenter_topic, subject="", body="Hallo")
    with pytest.raises(ValidationFailed):
        thread_start(customer=customer_anna, topic=jobcenter_topic, subject="", body="   ")


def test_reply_notifies_the_customer_without_content_in_her_language(
    customer_anna, caseworker_ben, mailbox, django_capture_on_commit_callbacks
):
    thread = start(customer_anna)
    customer_anna.language = "en"
    customer_anna.save()
    with django_capture_on_commit_callbacks(execute=True):
        thread_reply(thread=thread, author=caseworker_ben, body="Vielen Dank, Ihre Miete 512 EUR")
    assert len(mailbox) == 1
    mail = mailbox[0]
    body = mail.get_payload(decode=True).decode()
    assert mail["To"] == "anna@example.org"
    assert mail["Subject"] == "You have a new message"
    assert "512" not in body and "Miete" not in body and thread.subject not in body
    assert f"/portal/messages/{thread.uuid}/" in body

    customer_anna.language = "de"
    customer_anna.save()
    with django_capture_on_commit_callbacks(execute=True):
        thread_reply(thread=thread, author=caseworker_ben, body="Noch etwas")
    assert mailbox[1]["Subject"] == "Sie haben eine neue Nachricht"


def test_only_staff_of_the_case_or_team_may_reply(customer_anna, stranger_sara, caseworker_mia):
    thread = start(customer_anna)
    for outsider in (stranger_sara, caseworker_mia, customer_anna):
        with pytest.raises(PermissionDenied):
            thread_reply(thread=thread, author=outsider, body="Hallo")


def test_unread_state_per_staff_member_and_for_the_customer(
    customer_anna, caseworker_ben, colleague_cem
):
    thread = start(customer_anna)
    assert [t.unread for t in team_inbox(caseworker_ben)] == [True]
    thread_mark_read(thread=thread, user=caseworker_ben)
    assert [t.unread for t in team_inbox(caseworker_ben)] == [False]
    assert [t.unread for t in team_inbox(colleague_cem)] == [True]
    assert actions(thread.case_id)[-1] == "messaging.thread.read"

    assert unread_thread_count_for_customer(customer_anna) == 0
    thread_reply(thread=thread, author=caseworker_ben, body="Antwort")
    assert unread_thread_count_for_customer(customer_anna) == 1
    thread_mark_read(thread=thread, user=customer_anna)
    assert unread_thread_count_for_customer(customer_anna) == 0

    message_send_by_customer(thread=thread, customer=customer_anna, body="Danke")
    assert [t.unread for t in team_inbox(caseworker_ben)] == [True]


def test_household_members_do_not_write_into_each_others_threads(customer_anna, member_max):
    thread = start(customer_anna)
    assert list(threads_for_customer(member_max)) == []
    with pytest.raises(PermissionDenied):
        message_send_by_customer(thread=thread, customer=member_max, body="Hallo")


def test_assignment_to_team_members_only(
    customer_anna, caseworker_ben, colleague_cem, caseworker_mia
):
    thread = start(customer_anna)
    thread_assign(thread=thread, assignee=colleague_cem, actor=caseworker_ben)
    assert Thread.objects.get().assigned_to == colleague_cem
    assert list(team_inbox(colleague_cem, show="mine")) == [thread]
    assert list(team_inbox(caseworker_ben, show="mine")) == []
    assert list(team_inbox(caseworker_ben, show="unassigned")) == []
    with pytest.raises(ValidationFailed):
        thread_assign(thread=thread, assignee=caseworker_mia, actor=caseworker_ben)
    thread_assign(thread=thread, assignee=None, actor=caseworker_ben)
    assert list(team_inbox(caseworker_ben, show="unassigned")) == [thread]
    assert actions(thread.case_id).count("messaging.thread.assign") == 2


def test_closing_files_the_whole_thread_as_a_pdf(customer_anna, caseworker_ben):
    thread = start(customer_anna, body="Wann kommt mein Geld?", files=[photo()])
    thread_reply(thread=thread, author=caseworker_ben, body="Am Monatsersten.")
    thread = thread_close(thread=thread, actor=caseworker_ben)
    assert thread.status == ThreadStatus.CLOSED and thread.closed_by == caseworker_ben
    record = thread.record
    assert record.register.code == "schriftverkehr" and record.case == thread.case
    version = record.current_version
    assert "Wann kommt mein Geld?" in version.text and "Am Monatsersten." in version.text
    with version.file.open("rb") as handle, pikepdf.open(io.BytesIO(handle.read())) as pdf:
        assert len(pdf.pages) >= 1
    assert list(team_inbox(caseworker_ben)) == []
    assert list(team_inbox(caseworker_ben, show="closed")) == [thread]
    with pytest.raises(ValidationFailed):
        thread_reply(thread=thread, author=caseworker_ben, body="zu spät")

    # The customer writes again: open again; closing again files a new version.
    message_send_by_customer(thread=thread, customer=customer_anna, body="Noch eine Frage")
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.OPEN
    thread = thread_close(thread=thread, actor=caseworker_ben)
    assert thread.record == record and record.versions.count() == 2
    assert "Noch eine Frage" in record.current_version.text
    assert actions(thread.case_id).count("messaging.thread.close") == 2


def test_staff_start_a_thread_with_a_customer(
    customer_anna, caseworker_ben, team_leistung, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_start_by_staff(
            person=customer_anna.person,
            team=team_leistung,
            subject="Ihr Termin",
            body="Bitte kommen Sie am Montag.",
            actor=caseworker_ben,
        )
    assert thread.created_by == caseworker_ben and thread.topic is None
    assert Message.objects.get().from_staff
    assert len(mailbox) == 1 and "Montag" not in mailbox[0].get_payload(decode=True).decode()
    assert unread_thread_count_for_customer(customer_anna) == 1


def test_staff_cannot_write_to_people_without_account_or_for_other_teams(
    case_anna, customer_anna, caseworker_ben, jobcenter
):
    from amtsbote.cases.tests.factories import PersonFactory

    offline = PersonFactory(case=case_anna)
    team = jobcenter.teams.get(name="Leistung")
    with pytest.raises(ValidationFailed):
        thread_start_by_staff(
            person=offline, team=team, subject="x", body="y", actor=caseworker_ben
        )
    with pytest.raises(PermissionDenied):
        thread_start_by_staff(
            person=customer_anna.person,
            team=jobcenter.teams.get(name="Markt & Integration"),
            subject="x",
            body="y",
            actor=caseworker_ben,
        )


def test_canned_replies_belong_to_the_jobcenter(caseworker_ben, stranger_sara, customer_anna):
    reply = canned_reply_create(actor=caseworker_ben, title="Eingang", body="Danke für …")
    assert reply.jobcenter == caseworker_ben.jobcenter
    with pytest.raises(PermissionDenied):
        canned_reply_delete(reply=reply, actor=stranger_sara)
    with pytest.raises(PermissionDenied):
        canned_reply_create(actor=customer_anna, title="x", body="y")
    canned_reply_delete(reply=reply, actor=caseworker_ben)
    assert AuditEvent.objects.filter(action="messaging.canned_reply.delete").exists()


def test_topic_command_lists_and_routes(jobcenter):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("messaging_topic", "musterstadt", "allgemein", team="Eingangszone", stdout=out)
    assert "allgemein\tEingangszone" in out.getvalue()
    assert Topic.objects.get(jobcenter=jobcenter, code="allgemein").team.name == "Eingangszone"
