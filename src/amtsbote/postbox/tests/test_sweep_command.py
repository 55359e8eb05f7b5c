import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from .factories import postbox_sender

pytestmark = pytest.mark.django_db


def test_postbox_sweep_command_moves_unread_letters_to_paper(
    anna, anna_consents, caseworker_ben, django_capture_on_commit_callbacks, settings
):
    settings.POSTBOX_PAPER_FALLBACK_DAYS = 10
    send = postbox_sender(django_capture_on_commit_callbacks, caseworker_ben)
    with time_machine.travel(dt.datetime(2027, 5, 14, 10, tzinfo=ZoneInfo("Europe/Berlin"))):
        letter = send(anna)
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2027, 5, 24, 10, tzinfo=ZoneInfo("Europe/Berlin"))):
        call_command("postbox_sweep", stdout=out)
    assert json.loads(out.getvalue()) == {"reminded": 0, "paper_fallback": 1}
    assert letter.print_jobs.count() == 1
