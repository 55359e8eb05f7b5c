"""Helpers to fill and send forms in tests, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from amtsbote.accounts.models import User
from amtsbote.eforms.definitions import registry
from amtsbote.eforms.models import FormDraft, FormSubmission
from amtsbote.eforms.services import draft_start, draft_step_save, form_submit

VALID_IBAN = "DE89 3704 0044 0532 0130 00"


def move_answers(*, moving_date: dt.date | None = None) -> dict[str, Any]:
    day = moving_date or timezone.localdate() - dt.timedelta(days=10)
    return {
        "street": "Lindenallee 7",
        "postal_code": "50667",
        "city": "Köln",
        "moving_date": day.isoformat(),
        "rent": "450.00",
        "service_charges": "120.50",
        "heating": "",
    }


def draft_with(user: User, code: str, steps: dict[str, dict[str, Any]]) -> FormDraft:
    definition = registry.get(code)
    assert definition is not None
    draft = draft_start(user=user, definition=definition)
    for key, values in steps.items():
        draft = draft_step_save(draft=draft, user=user, step_key=key, values=values)
    return draft


def send_move(user: User, **extra_steps: dict[str, Any]) -> FormSubmission:
    parts = ["move", *extra_steps]
    steps = {"parts": {"parts": parts}, "move": move_answers(), **extra_steps}
    steps["remarks"] = {"remarks": ""}
    draft = draft_with(user, "veraenderungsmitteilung", steps)
    return form_submit(draft=draft, user=user)
