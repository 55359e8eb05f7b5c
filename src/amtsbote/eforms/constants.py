from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldKind(models.TextChoices):
    TEXT = "text", _("text")
    TEXTAREA = "textarea", _("long text")
    DATE = "date", _("date")
    MONEY = "money", _("amount in euros")
    IBAN = "iban", _("IBAN")
    POSTAL_CODE = "postal_code", _("postal code")
    CHOICE = "choice", _("one of several")
    MULTIPLE = "multiple", _("several of several")
    YES_NO = "yes_no", _("yes or no")


# A move reported more than this many days after it happened is refused online: a change must
# be reported without delay (§ 60 Abs. 1 Satz 1 Nr. 2 SGB I); an older move needs a
# conversation with the jobcenter, not a form. A move more than MOVE_MAX_FUTURE_DAYS ahead is
# not yet a change to report.
MOVE_MAX_PAST_DAYS = 365
MOVE_MAX_FUTURE_DAYS = 183

# Teams by name, in the order in which a form's follow-ups look for them on the case.
TEAM_LEISTUNG = "Leistung"
TEAM_INTEGRATION = "Markt & Integration"
