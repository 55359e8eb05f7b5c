"""Message threads between a customer and the case team, topics that route them, replies.

A thread belongs to the household member who started it (or whom staff wrote to) and to the
team it is routed to, never to one caseworker alone. Other household members do not see it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsbote.core.models import BaseModel

from .constants import DEFAULT_TOPIC_LABELS, ThreadStatus


class Topic(BaseModel):
    """An "Anliegen" the customer chooses; it routes the thread to a team of the jobcenter."""

    jobcenter = models.ForeignKey(
        "cases.Jobcenter",
        verbose_name=_("jobcenter"),
        on_delete=models.CASCADE,
        related_name="message_topics",
    )
    code = models.SlugField(_("code"))
    label = models.CharField(_("label"), max_length=100)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="message_topics",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("message topic")
        verbose_name_plural = _("message topics")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "code"], name="topic_unique_code")
        ]

    def __str__(self) -> str:
        return str(self.display_label)

    @property
    def display_label(self) -> str:
        """The label in the current language for the default topics, else as configured."""
        return str(DEFAULT_TOPIC_LABELS.get(self.code, self.label))


class Thread(BaseModel):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="threads"
    )
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="threads",
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="threads"
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="threads",
    )
    subject = models.CharField(_("subject"), max_length=200)
    regarding = models.ForeignKey(
        "documents.Document",
        verbose_name=_("regarding document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The letter in the e-file the customer asks about."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ThreadStatus.choices,
        default=ThreadStatus.OPEN,
        db_index=True,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_message_at = models.DateTimeField(_("last message at"), db_index=True)
    customer_read_at = models.DateTimeField(_("read by the customer at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    record = models.OneToOneField(
        "documents.Document",
        verbose_name=_("filed record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="thread_record",
        help_text=_("The whole thread as a PDF in the e-file, made when it was closed."),
    )

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        ordering = ["-last_message_at", "-id"]
        indexes = [models.Index(fields=["team", "status", "-last_message_at"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_open(self) -> bool:
        return self.status == ThreadStatus.OPEN


class Message(BaseModel):
    """One message in a thread; what a customer sends has a reference for the receipt.

    A representative (``cases.Representation`` with "write messages") writes in the name of
    the person the thread belongs to: ``author`` is the representative, ``on_behalf_of`` that
    person. Messages of the customer themselves leave ``on_behalf_of`` empty."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_staff = models.BooleanField(_("from staff"))
    on_behalf_of = models.ForeignKey(
        "cases.Person",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Set when a representative wrote in the customer's name: the author is the "
            "representative, this is the person they act for."
        ),
    )
    body = models.TextField(_("text"))
    document = models.OneToOneField(
        "documents.Document",
        verbose_name=_("attachments in the e-file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="message",
    )
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.thread} – {self.created_at:%Y-%m-%d %H:%M}"


class ThreadRead(BaseModel):
    """When one staff member (or a representative writing for the customer) last read a
    thread: unread state per person, not per team."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="reads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("thread read")
        verbose_name_plural = _("thread reads")
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="thread_read_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.thread} – {self.read_at:%Y-%m-%d %H:%M}"


class CannedReply(BaseModel):
    """A Textbaustein: a prepared reply staff of the jobcenter insert and adapt."""

    jobcenter = models.ForeignKey(
        "cases.Jobcenter",
        verbose_name=_("jobcenter"),
        on_delete=models.CASCADE,
        related_name="canned_replies",
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title
