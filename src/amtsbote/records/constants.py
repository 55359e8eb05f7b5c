from django.db import models
from django.utils.translation import gettext_lazy as _

# Years after the end of the year in which the case was closed, where no rule matches
# (§ 84 SGB X with the jobcenters' usual ten-year retention period).
DEFAULT_RETENTION_YEARS = 10

# What a retention rule may say: whole years in this range.
RETENTION_YEARS_MIN = 1
RETENTION_YEARS_MAX = 100

# An erasure request's requester, date and legal basis are kept in the proposal's note.
ERASURE_NOTE_MAX_LENGTH = 300


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    DISPOSED = "disposed", _("disposed")


class ProposalReason(models.TextChoices):
    RETENTION = "retention", _("retention period ended")
    ERASURE = "erasure", _("erasure request")
