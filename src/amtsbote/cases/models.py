"""Jobcenter (tenant), Case (Bedarfsgemeinschaft), Person, file plan registers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amtsbote.core.models import BaseModel

from .constants import BreakGlassReason, Bundesland, CaseStatus, RepresentationKind
from .validators import validate_bg_number, validate_customer_number

if TYPE_CHECKING:
    from amtsbote.accounts.models import ActivationCode


class Jobcenter(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    state = models.CharField(
        _("federal state"),
        max_length=2,
        choices=Bundesland.choices,
        help_text=_("Its public holidays move deadlines."),
    )
    address = models.TextField(_("postal address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    show_staff_names = models.BooleanField(
        _("show staff names to customers"),
        default=False,
        help_text=_(
            "On the customer's access list, show staff by name; otherwise by role and team."
        ),
    )

    class Meta:
        verbose_name = _("jobcenter")
        verbose_name_plural = _("jobcenters")

    def __str__(self) -> str:
        return self.name


class FilePlanEntry(BaseModel):
    """A register of the e-file (Aktenplan); configurable per jobcenter."""

    jobcenter = models.ForeignKey(
        Jobcenter, verbose_name=_("jobcenter"), on_delete=models.CASCADE, related_name="registers"
    )
    code = models.SlugField(_("code"))
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "code"], name="register_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class Case(BaseModel):
    """The household's e-file (Bedarfsgemeinschaft), identified by its BG-Nummer."""

    jobcenter = models.ForeignKey(
        Jobcenter, verbose_name=_("jobcenter"), on_delete=models.PROTECT, related_name="cases"
    )
    bg_number = models.CharField(
        _("BG-Nummer"), max_length=14, validators=[validate_bg_number], db_index=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    teams = models.ManyToManyField(
        "accounts.Team", verbose_name=_("teams"), related_name="cases", blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "bg_number"], name="case_unique_bg")
        ]

    def __str__(self) -> str:
        return self.bg_number

    @property
    def head(self) -> Person | None:
        return self.people.order_by("position", "id").first()


class Person(BaseModel):
    """A member of the household; may have a portal account (``user``)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="people"
    )
    customer_number = models.CharField(
        _("Kundennummer"), max_length=10, validators=[validate_customer_number], db_index=True
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, db_index=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position in household"), default=0)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "customer_number"], name="person_unique_customer_number"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class BreakGlassGrant(BaseModel):
    """Time-limited access to a case outside the staff member's teams, with a reason."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="break_glass_grants",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="break_glass_grants"
    )
    category = models.CharField(
        _("reason category"), max_length=20, choices=BreakGlassReason.choices
    )
    reason = models.TextField(_("reason"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("break-glass access")
        verbose_name_plural = _("break-glass accesses")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} ({self.user})"


class RepresentationQuerySet(models.QuerySet["Representation"]):
    def valid(self, *, today: dt.date | None = None) -> RepresentationQuerySet:
        """Grants in force today: not revoked, started, not yet ended (the end day counts)."""
        today = today or timezone.localdate()
        return self.filter(
            representative__isnull=False,
            revoked_at__isnull=True,
            valid_from__lte=today,
            valid_until__gte=today,
        )

    def pending(self) -> RepresentationQuerySet:
        """Grants waiting for the representative to enter the invitation code; they admit
        nobody until then."""
        return self.filter(representative__isnull=True, revoked_at__isnull=True)

    def with_scope(self, scope: str) -> RepresentationQuerySet:
        # ``scopes`` is a comma-separated list framed by commas (",read_letters,upload,"),
        # so that a plain substring test works on every database.
        return self.filter(scopes__contains=f",{scope},")


class Representation(BaseModel):
    """A portal account acting in a customer's name (Bevollmächtigte, Betreuer,
    Beratungsstelle): granted by the jobcenter or the customer, with a scope and an end date.

    A grant without ``representative`` is pending: an invitation whose activation code
    (``accounts.ActivationCode.representation``) the representative has not entered yet. A
    pending grant admits nobody; the code binds it to the account that redeems it.
    """

    person = models.ForeignKey(
        Person,
        verbose_name=_("represented person"),
        on_delete=models.CASCADE,
        related_name="representations",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="representations"
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("representative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="representations",
        help_text=_("Empty while the invitation code has not been entered."),
    )
    invited_email = models.EmailField(
        _("invited e-mail address"),
        blank=True,
        help_text=_("If given, only the account with this address can enter the invitation code."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RepresentationKind.choices)
    scopes = models.CharField(_("scope"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    note = models.TextField(_("note"), blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RepresentationQuerySet.as_manager()

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.representative or self.invited_email or '…'} → {self.person_id}"

    @property
    def is_pending(self) -> bool:
        """Waiting for the representative to enter the code (and not revoked)."""
        return self.representative_id is None and self.revoked_at is None

    @property
    def invitation(self) -> ActivationCode | None:
        """The activation code of an invitation, newest first (uses a prefetch if any)."""
        codes = list(self.activation_codes.all())
        return max(codes, key=lambda code: (code.created_at, code.pk)) if codes else None

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split(",") if s]

    def has_scope(self, scope: str) -> bool:
        return scope in self.scope_list

    @property
    def scope_labels(self) -> list[str]:
        from .constants import RepresentationScope

        labels = dict(RepresentationScope.choices)
        return [str(labels.get(s, s)) for s in self.scope_list]

    def is_valid(self, *, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.representative_id is not None
            and self.revoked_at is None
            and self.valid_from <= today <= self.valid_until
        )
