from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    OPEN = "open", _("open")
    PARTLY = "partly", _("partly fulfilled")
    FULFILLED = "fulfilled", _("fulfilled")
    CANCELLED = "cancelled", _("cancelled")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("open")
    FULFILLED = "fulfilled", _("fulfilled")


# §§ 60, 66 SGB I: the request must state, in writing, what happens if nothing comes. German:
# the letter and the legal hint are in the official language (§ 19 SGB X); the portal shows a
# translation beside it.
LEGAL_HINT_DE = (
    "Nach § 60 Erstes Buch Sozialgesetzbuch (SGB I) sind Sie verpflichtet, die für die "
    "Leistung erheblichen Tatsachen anzugeben und Beweisurkunden vorzulegen. Wenn Sie die "
    "angeforderten Unterlagen nicht bis zum {deadline} vorlegen und dadurch die Aufklärung des "
    "Sachverhalts erheblich erschwert wird, können die Leistungen nach § 66 SGB I bis zur "
    "Nachholung der Mitwirkung ganz oder teilweise versagt oder entzogen werden. Bitte wenden "
    "Sie sich an uns, wenn Sie die Frist nicht einhalten können."
)
