from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ThreadStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class InboxFilter(models.TextChoices):
    OPEN = "open", _("Open")
    MINE = "mine", _("Assigned to me")
    UNASSIGNED = "unassigned", _("Not assigned")
    CLOSED = "closed", _("Closed")


# The topics a jobcenter starts with ("nach Anliegen"): code, label shown to customers (in
# their language), the name of the team it is routed to. A jobcenter changes the routing with
# ``manage.py messaging_topic``; a team name it does not have falls back to its first team.
DEFAULT_TOPICS: list[tuple[str, str | Promise, str]] = [
    ("leistung", _("Money and benefits (Bürgergeld)"), "Leistung"),
    ("vermittlung", _("Work, job search and training"), "Markt & Integration"),
    ("allgemein", _("General question"), "Leistung"),
]
DEFAULT_TOPIC_LABELS = {code: label for code, label, _team in DEFAULT_TOPICS}

# The register of the e-file where threads (closed, as PDF) and message attachments are filed.
REGISTER_CODE = "schriftverkehr"
