"""Letters, consents, delivery evidence and the print queue, through the services.

Mail goes to the real SMTP server on loopback (root conftest); tasks run after commit.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from amtsbote.audit.models import AuditEvent
from amtsbote.core.exceptions import PermissionDenied, UnsupportedUpload, ValidationFailed
from amtsbote.documents.constants import InboxStatus
from amtsbote.documents.tests import samples
from amtsbote.postbox.constants import (
    Channel,
    ConsentKind,
    LetterKind,
    LetterStatus,
    LetterTopic,
    PrintReason,
)
from amtsbote.postbox.models import LetterRetrieval, PrintJob
from amtsbote.postbox.services import (
    LetterSpec,
    consent_record,
    letter_create,
    letter_dispute_receipt,
    letter_record_retrieval,
    letter_request_paper,
    postbox_sweep,
    print_jobs_mark_posted,
    print_jobs_mark_printed,
)

from .factories import postbox_sender

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = dt.datetime(2027, 5, 14, 10, 0, tzinfo=BERLIN)  # before Pfingstmontag 17 May


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), BERLIN), tick=False)


@pytest.fixture
def send(django_capture_on_commit_callbacks, caseworker_ben):
    return postbox_sender(django_capture_on_commit_callbacks, caseworker_ben)


def test_bescheid_with_consent_is_provided_digitally_with_evidence(
    anna, anna_consents, send, mailbox
):
    with time_machine.travel(FRIDAY, tick=False):
        letter = send(anna)
    assert letter.channel == Channel.DIGITAL
    assert letter.status == LetterStatus.NOTIFIED
    assert letter.notified_at == FRIDAY
    # The real answer of the SMTP server, not a made-up "ok".
    assert letter.smtp_reply == "250 Message accepted for delivery"
    assert letter.bekanntgabe_on == dt.date(2027, 5, 18)
    assert letter.appeal_deadline == dt.date(2027, 6, 18)
    assert not letter.print_jobs.exists()
    # Filed in the e-file, register Bescheide, not as new mail in the inbox.
    assert letter.document.register.code == "bescheide"
    assert letter.document.inbox_status == InboxStatus.SEEN
    # The e-mail says only that something waits in the portal.
    assert len(mailbox) == 1
    assert mailbox[0]["To"] == "anna@example.org"
    body = mailbox[0].get_payload(decode=True).decode()
    assert f"/portal/postbox/{letter.uuid}/" in body
    for secret in ("Bewilligungsbescheid", "96201BG0012345", "955D123456", "Schmidt"):
        assert secret not in body
    actions = set(AuditEvent.objects.filter(case_id=anna.case_id).values_list("action", flat=True))
    assert {"postbox.letter.create", "postbox.letter.notify"} <= actions


def test_plain_letter_is_filed_in_schriftverkehr(anna, anna_consents, send):
    letter = send(anna, kind=LetterKind.LETTER, subject="Einladung")
    assert letter.document.register.code == "schriftverkehr"
    assert letter.appeal_deadline is None
    assert letter.bekanntgabe_on is not None


def test_without_consent_the_letter_goes_to_the_print_queue(carl, send, mailbox):
    letter = send(carl)
    assert letter.channel == Channel.PAPER
    assert letter.status == LetterStatus.PRINT_QUEUED
    assert letter.print_jobs.get().reason == PrintReason.NO_CONSENT
    assert letter.bekanntgabe_on is None
    assert mailbox == []


def test_consent_to_upload_alone_keeps_letters_on_paper(anna, customer_anna, send):
    consent_record(
        person=anna, kind=ConsentKind.PORTAL_USE, granted=True, recorded_by=customer_anna
    )
    assert send(anna).channel == Channel.PAPER


def test_withdrawn_consent_sends_the_next_bescheid_on_paper(anna, customer_anna, send):
    consent_record(
        person=anna, kind=ConsentKind.E_BEKANNTGABE, granted=True, recorded_by=customer_anna
    )
    with time_machine.travel(FRIDAY, tick=False):
        first = send(anna)
    consent = consent_record(
        person=anna, kind=ConsentKind.E_BEKANNTGABE, granted=False, recorded_by=customer_anna
    )
    assert "§ 37 Abs. 2a SGB X" in consent.wording
    second = send(anna, subject="Änderungsbescheid")
    assert (first.channel, second.channel) == (Channel.DIGITAL, Channel.PAPER)
    # Withdrawal acts for the future only.
    first.refresh_from_db()
    assert first.bekanntgabe_on == dt.date(2027, 5, 18)
    assert list(anna.consents.values_list("granted", flat=True)) == [True, False]


def test_only_the_customer_or_staff_of_the_jobcenter_record_consent(
    anna, customer_carl, stranger_sara, caseworker_ben
):
    for outsider in (customer_carl, stranger_sara):
        with pytest.raises(PermissionDenied):
            consent_record(
                person=anna, kind=ConsentKind.E_BEKANNTGABE, granted=True, recorded_by=outsider
            )
    consent = consent_record(
        person=anna, kind=ConsentKind.PORTAL_USE, granted=True, recorded_by=caseworker_ben
    )
    assert consent.recorded_by == caseworker_ben


def test_first_retrieval_per_user_is_kept_and_does_not_move_the_fiction(
    anna, anna_consents, customer_anna, send
):
    with time_machine.travel(FRIDAY, tick=False):
        letter = send(anna)
    with at(dt.date(2027, 5, 15)):
        letter_record_retrieval(letter=letter, user=customer_anna, how="view")
    with at(dt.date(2027, 5, 20)):
        letter_record_retrieval(letter=letter, user=customer_anna, how="download")
    letter.refresh_from_db()
    retrieval = LetterRetrieval.objects.get(letter=letter)
    assert retrieval.how == "view"
    assert letter.first_retrieved_at.date() == dt.date(2027, 5, 15)
    assert letter.status == LetterStatus.RETRIEVED
    assert letter.bekanntgabe_on == dt.date(2027, 5, 18)


def test_disputed_receipt_counts_from_the_day_of_retrieval(
    anna, anna_consents, customer_anna, caseworker_ben, send
):
    with time_machine.travel(FRIDAY, tick=False):
        letter = send(anna)
    letter = letter_dispute_receipt(letter=letter, actor=caseworker_ben)
    assert letter.bekanntgabe_on is None
    with at(dt.date(2027, 5, 31)):
        letter_record_retrieval(letter=letter, user=customer_anna, how="view")
    letter.refresh_from_db()
    assert letter.bekanntgabe_on == dt.date(2027, 5, 31)
    # 30 June 2027 is a Wednesday.
    assert letter.appeal_deadline == dt.date(2027, 6, 30)


def test_a_failed_notification_falls_back_to_paper(anna, anna_consents, send, settings):
    settings.EMAIL_PORT = 9  # nothing listens there
    letter = send(anna)
    assert letter.status == LetterStatus.PRINT_QUEUED
    assert letter.notified_at is None
    assert letter.smtp_reply.startswith("ConnectionRefusedError")
    assert letter.print_jobs.get().reason == PrintReason.NOTIFICATION_FAILED
    assert letter.bekanntgabe_on is None


def test_printing_and_posting_are_noted_and_posting_sets_bekanntgabe(carl, caseworker_ben, send):
    letter = send(carl)
    job = letter.print_jobs.get()
    with at(dt.date(2027, 5, 14), hour=9):
        # Not printed yet: cannot be posted.
        assert not print_jobs_mark_posted(jobs=[job], actor=caseworker_ben, posted_on=FRIDAY.date())
        assert print_jobs_mark_printed(jobs=[job], actor=caseworker_ben) == 1
        job.refresh_from_db()
        with pytest.raises(ValidationFailed):
            print_jobs_mark_posted(jobs=[job], actor=caseworker_ben, posted_on=dt.date(2027, 5, 15))
        assert print_jobs_mark_posted(jobs=[job], actor=caseworker_ben, posted_on=FRIDAY.date())
    letter.refresh_from_db()
    assert letter.status == LetterStatus.POSTED
    assert letter.bekanntgabe_on == dt.date(2027, 5, 18)
    posted = AuditEvent.objects.get(action="postbox.letter.post")
    assert posted.case_id == carl.case_id
    assert posted.data["posted_on"] == "2027-05-14"


def test_customer_asks_for_paper_once(anna, anna_consents, customer_anna, customer_carl, send):
    letter = send(anna)
    with pytest.raises(PermissionDenied):
        letter_request_paper(letter=letter, user=customer_carl)
    first = letter_request_paper(letter=letter, user=customer_anna)
    again = letter_request_paper(letter=letter, user=customer_anna)
    assert first == again
    assert first.reason == PrintReason.CUSTOMER_REQUEST


def test_sweep_reminds_then_falls_back_to_paper(
    anna, anna_consents, send, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.POSTBOX_REMINDER_DAYS = 3
    settings.POSTBOX_PAPER_FALLBACK_DAYS = 10
    with time_machine.travel(FRIDAY, tick=False):
        letter = send(anna)
    mailbox.clear()
    with at(dt.date(2027, 5, 16)):
        assert postbox_sweep() == {"reminded": 0, "paper_fallback": 0}
    with at(dt.date(2027, 5, 17), hour=6), django_capture_on_commit_callbacks(execute=True):
        assert postbox_sweep() == {"reminded": 1, "paper_fallback": 0}
        assert postbox_sweep() == {"reminded": 0, "paper_fallback": 0}
    assert len(mailbox) == 1
    assert mailbox[0]["To"] == "anna@example.org"
    with at(dt.date(2027, 5, 23)):
        assert postbox_sweep()["paper_fallback"] == 0
    with at(dt.date(2027, 5, 24)):
        assert postbox_sweep() == {"reminded": 0, "paper_fallback": 1}
        assert postbox_sweep() == {"reminded": 0, "paper_fallback": 0}
    letter.refresh_from_db()
    assert letter.print_jobs.get().reason == PrintReason.FALLBACK
    # SGB X: the fiction already happened; paper is a service, not a new Bekanntgabe.
    assert letter.bekanntgabe_on == dt.date(2027, 5, 18)


def test_sweep_leaves_retrieved_letters_alone(anna, anna_consents, customer_anna, send):
    with time_machine.travel(FRIDAY, tick=False):
        letter = send(anna)
        letter_record_retrieval(letter=letter, user=customer_anna, how="view")
    with at(dt.date(2027, 6, 30)):
        assert postbox_sweep() == {"reminded": 0, "paper_fallback": 0}


def test_vwvfg_policy(anna, anna_consents, customer_anna, caseworker_ben, send, settings):
    settings.POSTBOX_POLICY = "vwvfg"
    settings.POSTBOX_PAPER_FALLBACK_DAYS = 30
    with time_machine.travel(FRIDAY, tick=False):
        read = send(anna, subject="Bescheid A")
        unread = send(anna, subject="Bescheid B")
    assert read.bekanntgabe_on is None  # nothing before retrieval
    with at(dt.date(2027, 5, 16)):
        letter_record_retrieval(letter=read, user=customer_anna, how="view")
    read.refresh_from_db()
    assert read.bekanntgabe_on == dt.date(2027, 5, 17)
    assert read.appeal_deadline == dt.date(2027, 6, 17)
    # The provision ends after 10 days unretrieved: paper from the 11th day.
    with at(dt.date(2027, 5, 24)):
        assert postbox_sweep()["paper_fallback"] == 0
    with at(dt.date(2027, 5, 25)):
        assert postbox_sweep()["paper_fallback"] == 1
        letter_record_retrieval(letter=unread, user=customer_anna, how="view")
    unread.refresh_from_db()
    assert unread.bekanntgabe_on is None  # retrieved too late to count
    job = PrintJob.objects.get(letter=unread)
    with at(dt.date(2027, 5, 26)):
        print_jobs_mark_printed(jobs=[job], actor=caseworker_ben)
        job.refresh_from_db()
        print_jobs_mark_posted(jobs=[job], actor=caseworker_ben, posted_on=dt.date(2027, 5, 26))
    unread.refresh_from_db()
    assert unread.bekanntgabe_on == dt.date(2027, 5, 30)


def test_letter_create_refuses(anna, carl, caseworker_ben, stranger_sara):
    good = LetterSpec(
        case=anna.case,
        addressee=anna,
        kind=LetterKind.BESCHEID,
        subject="Bescheid",
        pdf=samples.pdf_bytes(1, ["Bescheid"]),
    )
    with pytest.raises(UnsupportedUpload):
        letter_create(
            spec=LetterSpec(**{**good.__dict__, "pdf": samples.jpeg_bytes()}),
            created_by=caseworker_ben,
        )
    with pytest.raises(ValidationFailed):
        letter_create(
            spec=LetterSpec(**{**good.__dict__, "addressee": carl}), created_by=caseworker_ben
        )
    with pytest.raises(PermissionDenied):
        letter_create(spec=good, created_by=stranger_sara)
    with pytest.raises(ValidationFailed):
        letter_create(spec=LetterSpec(**{**good.__dict__, "topic": "x"}), created_by=caseworker_ben)
    assert not anna.letters.exists()


def test_letter_topic_is_kept_and_named_in_the_customers_language(
    anna, anna_consents, caseworker_ben
):
    """The letter stays German; its topic is told in the reader's language."""
    letter = letter_create(
        spec=LetterSpec(
            case=anna.case,
            addressee=anna,
            kind=LetterKind.BESCHEID,
            subject="Änderungsbescheid vom 01.02.2027",
            pdf=samples.pdf_bytes(1, ["Änderungsbescheid"]),
            topic=LetterTopic.CHANGE,
        ),
        created_by=caseworker_ben,
    )
    letter.refresh_from_db()
    assert letter.topic == LetterTopic.CHANGE
    with translation.override("de"):
        german = letter.get_topic_display()
    with translation.override("uk"):
        ukrainian = letter.get_topic_display()
    assert "Änderungsbescheid" in german and "Änderungsbescheid" in ukrainian
    assert german != ukrainian and not ukrainian.isascii()
