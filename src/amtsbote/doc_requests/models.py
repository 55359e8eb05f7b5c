"""Document requests (Mitwirkungsaufforderung) and what customers send back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Expression, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from amtsbote.cases.models import Person
from amtsbote.core.models import BaseModel

from .constants import ItemStatus, RequestStatus


def head_of_household(case_id: int | Expression | OuterRef) -> Subquery:
    """The id of the household's head, as a subquery: its first person by position, as
    ``Case.head`` (the representative of the Bedarfsgemeinschaft, § 38 SGB II)."""
    people = Person.objects.filter(case_id=case_id).order_by("position", "id")
    return Subquery(people.values("pk")[:1])


class DocRequestQuerySet(models.QuerySet["DocRequest"]):
    """Who in a household sees which request: the one place of that rule (docs/access.md,
    "Household members")."""

    def visible_to_person(self, person: Person) -> DocRequestQuerySet:
        """What ``person`` sees: as head of the household every request of it, as another
        member only the requests addressed to them."""
        return self.visible_to_people(Person.objects.filter(pk=person.pk))

    def visible_to_people(self, people: QuerySet[Person]) -> DocRequestQuerySet:
        """What any of ``people`` sees (a customer and the people they represent).

        The head of the household (``head_of_household``) sees every request of it; a
        request without an addressee is the household's and reaches only the head. One
        query, however many people.
        """
        ids = people.values("pk")
        return (
            self.filter(case_id__in=people.values("case_id"))
            .alias(head_id=head_of_household(OuterRef("case_id")))
            .filter(Q(head_id__in=ids) | Q(addressee_id__in=ids))
        )


class DocRequest(BaseModel):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="doc_requests"
    )
    # Null: the whole household (its head answers for it, § 38 SGB II). A member: only they
    # and the head see the request in the portal.
    addressee = models.ForeignKey(
        "cases.Person",
        verbose_name=_("addressee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="addressed_requests",
        help_text=_("Empty: the whole household."),
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("requesting team"),
        on_delete=models.PROTECT,
        related_name="doc_requests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"))
    message = models.TextField(_("message to the customer"), blank=True)
    legal_hint = models.TextField(_("legal hint"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.OPEN,
        db_index=True,
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)

    objects = DocRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"{self.case} – {self.deadline:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.OPEN, RequestStatus.PARTLY)


class DocRequestItem(BaseModel):
    request = models.ForeignKey(
        DocRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    document_type = models.ForeignKey(
        "documents.DocumentType",
        verbose_name=_("document type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    label = models.CharField(_("what is needed"), max_length=200)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("documents"), blank=True, related_name="request_items"
    )

    class Meta:
        verbose_name = _("requested item")
        verbose_name_plural = _("requested items")
        ordering = ["request", "position"]

    def __str__(self) -> str:
        return self.label

    @property
    def display_label(self) -> str:
        """What is needed, for the customer: a catalogue type's name in their language unless
        staff wrote their own words (those stay as written, in German)."""
        kind = self.document_type
        if kind is not None and self.label.strip() == kind.name:
            return kind.display_name
        return self.label


class Submission(BaseModel):
    """One send from the portal: what arrived when, the basis of the customer's receipt."""

    request = models.ForeignKey(
        DocRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    manifest = models.JSONField(_("manifest"))
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    # The idempotency key of the send: the upload page renders a fresh random key, and a send
    # repeated with it (a retry after a lost answer) gets this submission back, nothing new.
    client_key = models.CharField(_("client key"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "client_key"],
                condition=~models.Q(client_key=""),
                name="submission_unique_client_key",
            )
        ]

    def __str__(self) -> str:
        return self.reference
