"""The only way UI and API code fetches mailroom objects: missing and forbidden both 404."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404

from amtsbote import audit
from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import User

from .models import IntakeDocument, ScanBatch

# Who sorts incoming mail. Administrators manage users and do not read documents by default.
MAILROOM_ROLES = frozenset({Role.MAILROOM, Role.TEAM_LEAD, Role.CASEWORKER})


def can_use_mailroom(user: User) -> bool:
    return bool(user.is_authenticated and user.is_jobcenter_staff and user.role in MAILROOM_ROLES)


def access_intake_document_for_staff(user: User, intake_uuid: uuid.UUID | str) -> IntakeDocument:
    """An incoming document of the staff member's jobcenter; the read is audited."""
    if not can_use_mailroom(user) or user.jobcenter_id is None:
        raise Http404("no such document")
    try:
        intake = IntakeDocument.objects.select_related("file", "file__batch", "case").get(
            uuid=intake_uuid, file__jobcenter_id=user.jobcenter_id
        )
    except (IntakeDocument.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such document") from exc
    audit.record(
        "intake.document.view",
        actor=user,
        subject=intake,
        jobcenter_id=user.jobcenter_id,
        case_id=intake.case_id,
    )
    return intake


def access_scan_batch_for_staff(user: User, batch_uuid: uuid.UUID | str) -> ScanBatch:
    if not can_use_mailroom(user) or user.jobcenter_id is None:
        raise Http404("no such batch")
    try:
        return ScanBatch.objects.get(uuid=batch_uuid, jobcenter_id=user.jobcenter_id)
    except (ScanBatch.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such batch") from exc
