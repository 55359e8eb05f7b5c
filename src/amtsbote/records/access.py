"""The only way desk code gets a proposal or a hold: team leads of its jobcenter; else 404."""

from __future__ import annotations

import uuid

from django.http import Http404

from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import User

from .models import DisposalProposal, LegalHold


def is_records_officer(user: User) -> bool:
    return user.role == Role.TEAM_LEAD and user.jobcenter_id is not None


def access_proposal_for_team_lead(user: User, proposal_uuid: uuid.UUID | str) -> DisposalProposal:
    jobcenter_id = user.jobcenter_id
    if not is_records_officer(user) or jobcenter_id is None:
        raise Http404("no such proposal")
    try:
        return DisposalProposal.objects.select_related("case").get(
            uuid=proposal_uuid, jobcenter_id=jobcenter_id
        )
    except (DisposalProposal.DoesNotExist, ValueError) as exc:
        raise Http404("no such proposal") from exc


def access_hold_for_team_lead(user: User, hold_uuid: uuid.UUID | str) -> LegalHold:
    jobcenter_id = user.jobcenter_id
    if not is_records_officer(user) or jobcenter_id is None:
        raise Http404("no such hold")
    try:
        return LegalHold.objects.select_related("case").get(
            uuid=hold_uuid, case__jobcenter_id=jobcenter_id
        )
    except (LegalHold.DoesNotExist, ValueError) as exc:
        raise Http404("no such hold") from exc
