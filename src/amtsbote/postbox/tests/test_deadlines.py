"""Every date rule of the postbox, as pure functions (no clock, no database)."""

import datetime as dt

import pytest

from amtsbote.postbox import deadlines
from amtsbote.postbox.constants import DeliveryPolicy
from amtsbote.postbox.deadlines import DigitalFacts

D = dt.date


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2026, 12, 14), D(2027, 1, 14)),
        (D(2027, 1, 31), D(2027, 2, 28)),  # shorter month: its last day (§ 188 Abs. 3 BGB)
        (D(2028, 1, 31), D(2028, 2, 29)),  # leap year
        (D(2027, 3, 31), D(2027, 4, 30)),
        (D(2027, 12, 15), D(2028, 1, 15)),  # over the turn of the year
    ],
)
def test_one_month_is_end_of_month_aware(start, expected):
    assert deadlines.add_months(start, 1) == expected


def test_friday_notification_before_a_public_holiday_is_not_moved():
    # Friday 14 May 2027; Monday 17 May 2027 is Pfingstmontag.
    friday = D(2027, 5, 14)
    assert deadlines.bekanntgabe_after_notification(friday, days=4) == D(2027, 5, 18)
    # With the older 3-day rule the fiction day is the holiday itself, and stays there
    # (BSG 6.5.2010, B 14 AS 12/09 R): only deadlines move.
    assert deadlines.bekanntgabe_after_notification(friday, days=3) == D(2027, 5, 17)
    assert deadlines.appeal_deadline(D(2027, 5, 17), state="NW") == D(2027, 6, 17)


def test_example_from_the_portal_text():
    assert deadlines.appeal_deadline(D(2026, 12, 14), state="NW") == D(2027, 1, 14)


def test_widerspruch_deadline_ending_on_a_sunday_moves_to_monday():
    # 31 Jan 2027 + 1 month = Sunday 28 Feb 2027 → Monday 1 March 2027.
    assert deadlines.appeal_deadline(D(2027, 1, 31), state="NW") == D(2027, 3, 1)


def test_widerspruch_deadline_ending_on_new_year_skips_holiday_and_weekend():
    # 1 Jan 2027 is a Friday and a holiday: the deadline ends on Monday 4 January.
    assert deadlines.appeal_deadline(D(2026, 12, 1), state="BY") == D(2027, 1, 4)


def test_widerspruch_deadline_on_a_land_holiday_depends_on_the_land():
    # Thursday 27 May 2027 is Fronleichnam: a holiday in NRW, not in Berlin.
    assert deadlines.appeal_deadline(D(2027, 4, 27), state="NW") == D(2027, 5, 28)
    assert deadlines.appeal_deadline(D(2027, 4, 27), state="BE") == D(2027, 5, 27)


def test_posting_counts_like_the_notification():
    assert deadlines.bekanntgabe_after_posting(D(2027, 5, 14), days=4) == D(2027, 5, 18)


def test_at_least_one_day():
    with pytest.raises(ValueError):
        deadlines.bekanntgabe_after_notification(D(2027, 5, 14), days=0)


NOTIFIED = D(2027, 5, 14)


def test_sgb_x_fiction_applies_without_retrieval():
    facts = DigitalFacts(notified_on=NOTIFIED, notification_proven=True)
    assert deadlines.digital_bekanntgabe(facts, days=4) == D(2027, 5, 18)
    # An early retrieval does not move the fiction day either.
    early = DigitalFacts(notified_on=NOTIFIED, notification_proven=True, retrieved_on=NOTIFIED)
    assert deadlines.digital_bekanntgabe(early, days=4) == D(2027, 5, 18)


def test_disputed_receipt_counts_from_retrieval():
    disputed = DigitalFacts(
        notified_on=NOTIFIED,
        notification_proven=True,
        retrieved_on=D(2027, 5, 25),
        receipt_disputed=True,
    )
    assert deadlines.digital_bekanntgabe(disputed, days=4) == D(2027, 5, 25)
    never_opened = DigitalFacts(
        notified_on=NOTIFIED, notification_proven=True, receipt_disputed=True
    )
    assert deadlines.digital_bekanntgabe(never_opened, days=4) is None


def test_without_delivery_evidence_retrieval_counts():
    unproven = DigitalFacts(notified_on=NOTIFIED, notification_proven=False)
    assert deadlines.digital_bekanntgabe(unproven, days=4) is None
    opened = DigitalFacts(
        notified_on=NOTIFIED, notification_proven=False, retrieved_on=D(2027, 5, 20)
    )
    assert deadlines.digital_bekanntgabe(opened, days=4) == D(2027, 5, 20)


def test_never_notified_means_no_bekanntgabe():
    assert deadlines.digital_bekanntgabe(DigitalFacts(None, False), days=4) is None


def test_vwvfg_policy_day_after_retrieval_within_ten_days():
    policy = DeliveryPolicy.VWVFG
    assert deadlines.vwvfg_provision_ends_on(NOTIFIED) == D(2027, 5, 24)
    within = DigitalFacts(
        notified_on=NOTIFIED, notification_proven=True, retrieved_on=D(2027, 5, 24)
    )
    assert deadlines.digital_bekanntgabe(within, policy=policy) == D(2027, 5, 25)
    too_late = DigitalFacts(
        notified_on=NOTIFIED, notification_proven=True, retrieved_on=D(2027, 5, 25)
    )
    assert deadlines.digital_bekanntgabe(too_late, policy=policy) is None
    unread = DigitalFacts(notified_on=NOTIFIED, notification_proven=True)
    assert deadlines.digital_bekanntgabe(unread, policy=policy) is None


def test_reminder_and_paper_fallback_days():
    assert deadlines.reminder_due_on(NOTIFIED, days=3) == D(2027, 5, 17)
    assert deadlines.paper_fallback_due_on(NOTIFIED, days=10) == D(2027, 5, 24)
    assert deadlines.paper_fallback_due_on(NOTIFIED, days=14) == D(2027, 5, 28)
    # Under VwVfG the provision ends after 10 days: paper follows the next day at the latest.
    vwvfg = DeliveryPolicy.VWVFG
    assert deadlines.paper_fallback_due_on(NOTIFIED, days=14, policy=vwvfg) == D(2027, 5, 25)
    assert deadlines.paper_fallback_due_on(NOTIFIED, days=5, policy=vwvfg) == D(2027, 5, 19)
