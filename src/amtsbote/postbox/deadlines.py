"""Legal dates of the postbox, as pure functions (no database, no clock).

- § 37 Abs. 2a SGB X: an electronically provided Verwaltungsakt counts as notified on the
  N-th day after the electronic notification was sent (N is a setting, default 4 since the
  2025 postal reform). The fictional day is *not* moved when it is a Saturday, Sunday or
  holiday (BSG 6.5.2010, B 14 AS 12/09 R); only deadlines move. If the customer disputes
  receipt and the authority cannot prove that the notification arrived, the day of
  retrieval counts.
- § 37 Abs. 2 SGB X: a letter sent by post counts as notified on the N-th day after it was
  posted (same N).
- § 41 Abs. 2a VwVfG (a selectable policy for other authorities): notified on the day after
  retrieval; the provision ends when the document is not retrieved within 10 days.
- § 84 SGG: Widerspruch within one month after Bekanntgabe; § 64 SGG / § 26 SGB X: a
  deadline ending on a Saturday, Sunday or public holiday of the Land ends on the next
  working day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from amtsbote.core.deadlines import next_working_day_on_or_after

from .constants import DeliveryPolicy

VWVFG_PROVISION_DAYS = 10


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months later; the month's last day where there is none.

    § 188 Abs. 2 and 3 BGB: a deadline of a month ends on the day of the later month with the
    same number as the event's day; if that month is shorter, on its last day
    (31 January + 1 month = 28 or 29 February).
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def bekanntgabe_after_notification(notified_on: dt.date, *, days: int) -> dt.date:
    """§ 37 Abs. 2a SGB X: the ``days``-th day after the notification was sent, not moved."""
    if days < 1:
        raise ValueError("the Bekanntgabe fiction needs at least one day")
    return notified_on + dt.timedelta(days=days)


def bekanntgabe_after_posting(posted_on: dt.date, *, days: int) -> dt.date:
    """§ 37 Abs. 2 SGB X: the ``days``-th day after the letter was posted, not moved."""
    return bekanntgabe_after_notification(posted_on, days=days)


def bekanntgabe_vwvfg(retrieved_on: dt.date) -> dt.date:
    """§ 41 Abs. 2a VwVfG: the day after retrieval."""
    return retrieved_on + dt.timedelta(days=1)


def vwvfg_provision_ends_on(notified_on: dt.date) -> dt.date:
    """§ 41 Abs. 2a VwVfG: the last day on which retrieval still notifies the document."""
    return notified_on + dt.timedelta(days=VWVFG_PROVISION_DAYS)


@dataclass(frozen=True)
class DigitalFacts:
    """What is known about one digitally provided letter (dates in the jobcenter's zone)."""

    notified_on: dt.date | None
    """The day the notification e-mail was sent (None: never sent)."""
    notification_proven: bool
    """The mail server accepted the notification (delivery evidence)."""
    retrieved_on: dt.date | None = None
    """The addressee's first retrieval."""
    receipt_disputed: bool = False
    """The addressee disputes having received the notification."""


def digital_bekanntgabe(
    facts: DigitalFacts, *, policy: str = DeliveryPolicy.SGB_X, days: int = 4
) -> dt.date | None:
    """The Bekanntgabe of a digitally provided letter, or None while there is none (yet).

    SGB X: the fiction day after the notification; where receipt is disputed, or the
    notification's arrival cannot be proven, the day of retrieval (None before retrieval).
    VwVfG: the day after retrieval, if it happened within the 10 days of provision.
    """
    if policy == DeliveryPolicy.VWVFG:
        if facts.notified_on is None or facts.retrieved_on is None:
            return None
        if facts.retrieved_on > vwvfg_provision_ends_on(facts.notified_on):
            return None
        return bekanntgabe_vwvfg(facts.retrieved_on)
    if facts.notified_on is None:
        return None
    if facts.receipt_disputed or not facts.notification_proven:
        return facts.retrieved_on
    return bekanntgabe_after_notification(facts.notified_on, days=days)


def appeal_deadline(bekanntgabe: dt.date, *, state: str) -> dt.date:
    """§ 84 SGG: one month after Bekanntgabe, moved to the next working day in the Land."""
    return next_working_day_on_or_after(add_months(bekanntgabe, 1), state=state)


def reminder_due_on(notified_on: dt.date, *, days: int) -> dt.date:
    """The day a reminder goes out for a letter still unread ``days`` days after notice."""
    return notified_on + dt.timedelta(days=days)


def paper_fallback_due_on(
    notified_on: dt.date, *, days: int, policy: str = DeliveryPolicy.SGB_X
) -> dt.date:
    """The day an unread letter goes into the print queue.

    Under the VwVfG policy the provision ends after 10 days unretrieved, so paper follows on
    the day after at the latest.
    """
    due = notified_on + dt.timedelta(days=days)
    if policy == DeliveryPolicy.VWVFG:
        due = min(due, vwvfg_provision_ends_on(notified_on) + dt.timedelta(days=1))
    return due
