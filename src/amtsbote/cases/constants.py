from django.db import models
from django.utils.translation import gettext_lazy as _


class Bundesland(models.TextChoices):
    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed")


# The default file plan (Aktenplan): code, German name (stays German: it is the file's
# official structure), order.
DEFAULT_REGISTERS: list[tuple[str, str]] = [
    ("antrag", "Antrag"),
    ("einkommen", "Einkommen"),
    ("unterkunft", "Unterkunft"),
    ("vermoegen", "Vermögen"),
    ("unterhalt", "Unterhalt"),
    ("gesundheit", "Gesundheit"),
    ("vermittlung", "Vermittlung"),
    ("bescheide", "Bescheide"),
    ("schriftverkehr", "Schriftverkehr"),
]


class BreakGlassReason(models.TextChoices):
    """Why a staff member opens a case outside their teams (§ 67 SGB X: need-to-know)."""

    SUBSTITUTION = "substitution", _("Standing in for a colleague (Vertretung)")
    URGENT = "urgent", _("Urgent case (Eilfall)")
    INQUIRY = "inquiry", _("Inquiry at the counter or by phone (Auskunft)")
    OTHER = "other", _("Other reason")


class RepresentationKind(models.TextChoices):
    """Who acts for a customer in the portal (§ 13 SGB X, § 1814 BGB, counselling)."""

    AUTHORISED = "authorised", _("Authorised representative (Bevollmächtigte/r)")
    GUARDIAN = "guardian", _("Legal guardian (rechtliche Betreuung)")
    COUNSELLING = "counselling", _("Counselling service (Beratungsstelle)")


class RepresentationScope(models.TextChoices):
    """What a representative may do in the customer's name; a grant holds a set of these."""

    READ_LETTERS = "read_letters", _("read letters")
    UPLOAD = "upload", _("upload documents")
    WRITE_MESSAGES = "write_messages", _("write messages")
    SUBMIT_FORMS = "submit_forms", _("submit forms")


# A grant ends at the latest this many days after it starts (then it is granted again).
REPRESENTATION_MAX_DAYS = 3 * 366
