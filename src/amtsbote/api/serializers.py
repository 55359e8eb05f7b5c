"""What the API reads and writes. Output serializers are read-only views of the models;
input serializers only check the shape of a request; every write is a service call."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from amtsbote.cases.constants import CaseStatus
from amtsbote.cases.models import Case, Person
from amtsbote.cases.validators import (
    normalize_number,
    validate_bg_number,
    validate_customer_number,
)
from amtsbote.doc_requests.models import DocRequest, DocRequestItem
from amtsbote.documents.models import Document, DocumentType, DocumentVersion
from amtsbote.intake.models import IntakeDocument
from amtsbote.integrations.models import WebhookDelivery, WebhookEndpoint
from amtsbote.postbox.constants import LetterKind, LetterTopic
from amtsbote.postbox.models import Letter, PrintJob

# --- errors (the one error shape, for the schema) --------------------------------------------


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        required=False,
        help_text=_("Invalid input only: the messages per field."),
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


# --- cases and people ------------------------------------------------------------------------


def _uuid_list(related: Any) -> list[str]:
    return [str(obj.uuid) for obj in related.all()]


class PersonSerializer(serializers.ModelSerializer):
    has_portal_account = serializers.SerializerMethodField()
    case = serializers.UUIDField(source="case.uuid", read_only=True)

    class Meta:
        model = Person
        fields = [
            "uuid",
            "case",
            "customer_number",
            "first_name",
            "last_name",
            "birth_date",
            "street",
            "postal_code",
            "city",
            "position",
            "has_portal_account",
        ]
        read_only_fields = fields

    def get_has_portal_account(self, person: Person) -> bool:
        return person.user_id is not None


class CaseSerializer(serializers.ModelSerializer):
    teams = serializers.SerializerMethodField()
    people = PersonSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = ["uuid", "bg_number", "status", "closed_at", "teams", "people", "created_at"]
        read_only_fields = fields

    def get_teams(self, case: Case) -> list[str]:
        return [team.name for team in case.teams.all()]


class NumberField(serializers.CharField):
    """A BG-Nummer or Kundennummer: spaces removed and upper case before it is checked."""

    def to_internal_value(self, data: Any) -> str:
        return normalize_number(super().to_internal_value(data))


class CaseCreateSerializer(serializers.Serializer):
    bg_number = NumberField(max_length=20, validators=[validate_bg_number])
    teams = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        help_text=_("Names of the teams that work on the case (default: none)."),
    )


class CaseUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices)


class PersonWriteSerializer(serializers.Serializer):
    customer_number = NumberField(max_length=20, validators=[validate_customer_number])
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    birth_date = serializers.DateField(required=False, allow_null=True)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PersonUpdateSerializer(PersonWriteSerializer):
    customer_number = None  # type: ignore[assignment]
    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)


# --- documents -------------------------------------------------------------------------------


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentVersion
        fields = ["uuid", "number", "pages", "size", "sha256", "mime_type", "ocr_status"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case.uuid", read_only=True)
    register = serializers.CharField(source="register.code", read_only=True)
    document_type: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    current_version = VersionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Document
        fields = [
            "uuid",
            "case",
            "title",
            "document_type",
            "register",
            "source",
            "received_at",
            "inbox_status",
            "current_version",
        ]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        min_length=1,
        help_text=_("PDF, JPEG, PNG or HEIC files: one document is made of them."),
    )
    title = serializers.CharField(max_length=200)
    document_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=DocumentType.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )

    def validate_files(self, files: list[Any]) -> list[Any]:
        if len(files) > settings.UPLOAD_MAX_FILES:
            raise serializers.ValidationError(
                _("At most %(max)s files at once.") % {"max": settings.UPLOAD_MAX_FILES}
            )
        return files


# --- document requests -----------------------------------------------------------------------


class RequestItemSerializer(serializers.ModelSerializer):
    document_type: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    documents = serializers.SerializerMethodField()

    class Meta:
        model = DocRequestItem
        fields = [
            "uuid",
            "position",
            "label",
            "note",
            "document_type",
            "status",
            "fulfilled_at",
            "documents",
        ]
        read_only_fields = fields

    def get_documents(self, item: DocRequestItem) -> list[str]:
        return _uuid_list(item.documents)


class DocRequestSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case.uuid", read_only=True)
    team = serializers.CharField(source="team.name", read_only=True)
    addressee = serializers.SerializerMethodField()
    items = RequestItemSerializer(many=True, read_only=True)

    class Meta:
        model = DocRequest
        fields = [
            "uuid",
            "case",
            "addressee",
            "team",
            "status",
            "deadline",
            "fulfilled_at",
            "message",
            "legal_hint",
            "items",
            "created_at",
        ]
        read_only_fields = fields

    def get_addressee(self, request: DocRequest) -> str | None:
        addressee = getattr(request, "addressee", None)
        return str(addressee.uuid) if addressee is not None else None


class RequestItemWriteSerializer(serializers.Serializer):
    document_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=DocumentType.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    label = serializers.CharField(  # type: ignore[assignment]
        max_length=200, required=False, allow_blank=True
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("document_type") and not attrs.get("label", "").strip():
            raise serializers.ValidationError(_("Name a document type or describe what is needed."))
        return attrs


class DocRequestCreateSerializer(serializers.Serializer):
    items = RequestItemWriteSerializer(many=True, allow_empty=False)
    team = serializers.CharField(
        max_length=100,
        required=False,
        help_text=_("Name of the requesting team (default: the first team of the case)."),
    )
    addressee = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text=_("A member of the household (default: the whole household)."),
    )
    deadline = serializers.DateField(required=False, allow_null=True)
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True)


# --- letters ---------------------------------------------------------------------------------


class PrintJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = PrintJob
        fields = ["reason", "printed_at", "posted_on"]
        read_only_fields = fields


class LetterSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case.uuid", read_only=True)
    addressee = serializers.UUIDField(source="addressee.uuid", read_only=True)
    document = serializers.UUIDField(source="document.uuid", read_only=True)
    print_jobs = PrintJobSerializer(many=True, read_only=True)
    topic = serializers.ChoiceField(choices=LetterTopic.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Letter
        fields = [
            "uuid",
            "case",
            "addressee",
            "document",
            "kind",
            "subject",
            "topic",
            "channel",
            "status",
            "created_at",
            "notified_at",
            "first_retrieved_at",
            "receipt_disputed_at",
            "digital_ended_at",
            "bekanntgabe_on",
            "appeal_deadline",
            "print_jobs",
        ]
        read_only_fields = fields


class LetterCreateSerializer(serializers.Serializer):
    addressee = serializers.UUIDField(help_text=_("The member of the household it goes to."))
    kind = serializers.ChoiceField(choices=LetterKind.choices)
    subject = serializers.CharField(max_length=200)
    topic = serializers.ChoiceField(
        choices=LetterTopic.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Named in the customer's language in the portal; the letter stays German."),
    )
    file = serializers.FileField(allow_empty_file=True, help_text=_("The letter as a PDF."))


# --- mailroom --------------------------------------------------------------------------------


class IntakeDocumentSerializer(serializers.ModelSerializer):
    case = serializers.SerializerMethodField()
    bg_number = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()
    request = serializers.SerializerMethodField()
    batch = serializers.UUIDField(source="file.batch.uuid", read_only=True)
    filename = serializers.CharField(source="file.filename", read_only=True)
    received_at = serializers.DateTimeField(source="file.created_at", read_only=True)
    first_page = serializers.SerializerMethodField()
    last_page = serializers.SerializerMethodField()
    identified_by = serializers.CharField(source="identifier_kind", read_only=True)
    type = serializers.CharField(source="type_code", read_only=True)

    class Meta:
        model = IntakeDocument
        fields = [
            "uuid",
            "status",
            "case",
            "bg_number",
            "document",
            "request",
            "batch",
            "filename",
            "received_at",
            "first_page",
            "last_page",
            "identified_by",
            "confidence",
            "type",
            "type_confidence",
            "decided_at",
        ]
        read_only_fields = fields

    def get_case(self, intake: IntakeDocument) -> str | None:
        return str(intake.case.uuid) if intake.case else None

    def get_bg_number(self, intake: IntakeDocument) -> str | None:
        return intake.case.bg_number if intake.case else None

    def get_document(self, intake: IntakeDocument) -> str | None:
        return str(intake.document.uuid) if intake.document else None

    def get_request(self, intake: IntakeDocument) -> str | None:
        return str(intake.request.uuid) if intake.request else None

    def get_first_page(self, intake: IntakeDocument) -> int:
        """1-based."""
        return intake.first_page + 1

    def get_last_page(self, intake: IntakeDocument) -> int:
        """1-based."""
        return intake.last_page + 1


class IntakeDocumentDetailSerializer(IntakeDocumentSerializer):
    text = serializers.CharField(read_only=True)

    class Meta(IntakeDocumentSerializer.Meta):
        fields = [*IntakeDocumentSerializer.Meta.fields, "text"]
        read_only_fields = fields


# --- webhooks --------------------------------------------------------------------------------


class WebhookEndpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["uuid", "url", "events", "active", "created_at"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    webhook = serializers.UUIDField(source="endpoint.uuid", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "uuid",
            "webhook",
            "event",
            "object_uuid",
            "status",
            "attempts",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "response_status",
            "last_error",
            "delivered_at",
        ]
        read_only_fields = fields
