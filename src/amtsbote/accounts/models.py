"""Users (staff and customers), teams and activation codes."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amtsbote.core.models import BaseModel

from .constants import CASE_ROLES, STAFF_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMIN)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who logs in: staff of one jobcenter, or a customer of the portal."""

    username = None  # type: ignore[assignment]
    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CUSTOMER)
    jobcenter = models.ForeignKey(
        "cases.Jobcenter",
        verbose_name=_("jobcenter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Staff only: the jobcenter this person works for."),
    )
    teams = models.ManyToManyField(
        "accounts.Team", verbose_name=_("teams"), blank=True, related_name="members"
    )
    language = models.CharField(_("language"), max_length=10, default="de")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_jobcenter_staff(self) -> bool:
        return self.role in STAFF_ROLES and self.jobcenter_id is not None

    @property
    def works_on_cases(self) -> bool:
        return self.role in CASE_ROLES and self.jobcenter_id is not None


class Team(BaseModel):
    """A department (Leistung, Markt & Integration …); several may work on one case."""

    jobcenter = models.ForeignKey(
        "cases.Jobcenter",
        verbose_name=_("jobcenter"),
        on_delete=models.CASCADE,
        related_name="teams",
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ActivationCodeQuerySet(models.QuerySet["ActivationCode"]):
    def usable(self) -> ActivationCodeQuerySet:
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class ActivationCode(BaseModel):
    """Freischaltcode: links a portal account to a person. Single use, expires, revocable.

    Only a SHA-256 digest of the code is stored; the code itself is shown once (desk screen
    and letter) and never again.

    With ``representation`` the code is an invitation: it binds that pending grant to the
    account that redeems it and does not link the account to ``person`` (who stays the
    represented person, so scoping by ``person__case`` holds for both kinds).
    """

    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="activation_codes",
    )
    representation = models.ForeignKey(
        "cases.Representation",
        verbose_name=_("representation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activation_codes",
        help_text=_("For an invitation: the pending grant the code binds to its account."),
    )
    code_digest = models.CharField(_("code digest"), max_length=64, unique=True)
    hint = models.CharField(_("last characters"), max_length=4)
    issued_by = models.ForeignKey(
        User, verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        User,
        verbose_name=_("used by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ActivationCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")

    def __str__(self) -> str:
        return f"…{self.hint}"

    @property
    def is_invitation(self) -> bool:
        return self.representation_id is not None

    @property
    def status(self) -> str:
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"
