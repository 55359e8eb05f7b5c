from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    CASEWORKER = "caseworker", _("Caseworker")
    TEAM_LEAD = "team_lead", _("Team lead")
    MAILROOM = "mailroom", _("Mailroom")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = frozenset({Role.CASEWORKER, Role.TEAM_LEAD, Role.MAILROOM, Role.ADMIN})
CASE_ROLES = frozenset({Role.CASEWORKER, Role.TEAM_LEAD})
