"""Cases (Bedarfsgemeinschaften) and the people in them."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from amtsbote.accounts.models import Team
from amtsbote.cases.access import record_case_read
from amtsbote.cases.constants import CaseStatus
from amtsbote.cases.models import Case
from amtsbote.cases.services import case_close, case_create, case_reopen, person_create
from amtsbote.cases.services import person_update as person_update_service
from amtsbote.cases.validators import normalize_number
from amtsbote.integrations.constants import Scope

from ..access import access_case_for_client, access_person_for_client, cases_for_client
from ..serializers import (
    CaseCreateSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    PersonSerializer,
    PersonUpdateSerializer,
    PersonWriteSerializer,
)
from .base import ApiView, valid_data


def _with_people(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.prefetch_related("teams", "people__case").order_by("bg_number", "id")


def _case(case: Case) -> dict:
    return CaseSerializer(_with_people(Case.objects.filter(pk=case.pk)).get()).data


class CaseList(ApiView):
    """Cases of the client's jobcenter, by BG-Nummer; create one."""

    required_scopes = {"GET": Scope.CASES_READ, "POST": Scope.CASES_WRITE}
    serializer_class = CaseSerializer

    @extend_schema(
        operation_id="cases_list",
        parameters=[
            OpenApiParameter("bg_number", str, description="Only the case with this BG-Nummer.")
        ],
        responses=CaseSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        cases = cases_for_client(self.client)
        if bg_number := request.query_params.get("bg_number"):
            cases = cases.filter(bg_number=normalize_number(bg_number))
        page = self.paginate_queryset(_with_people(cases))
        return self.get_paginated_response(CaseSerializer(page, many=True).data)

    @extend_schema(
        operation_id="cases_create",
        request=CaseCreateSerializer,
        responses={201: CaseSerializer},
    )
    def post(self, request: Request) -> Response:
        data = valid_data(CaseCreateSerializer, request)
        client = self.client
        names = data.get("teams", [])
        teams = list(Team.objects.filter(jobcenter_id=client.jobcenter_id, name__in=names))
        if unknown := sorted(set(names) - {team.name for team in teams}):
            raise exceptions.ValidationError(
                {"teams": [_("No such team: %(names)s") % {"names": ", ".join(unknown)}]}
            )
        with transaction.atomic():
            case = case_create(
                jobcenter=client.jobcenter,
                bg_number=data["bg_number"],
                teams=teams,
                actor=client.user,
            )
        return Response(_case(case), status=status.HTTP_201_CREATED)


class CaseDetail(ApiView):
    """A case with its teams and the people in it; close or reopen it."""

    required_scopes = {"GET": Scope.CASES_READ, "PATCH": Scope.CASES_WRITE}
    serializer_class = CaseSerializer

    @extend_schema(operation_id="cases_retrieve", responses=CaseSerializer)
    def get(self, request: Request, case_uuid: uuid.UUID) -> Response:
        case = access_case_for_client(self.client, case_uuid)
        with transaction.atomic():
            record_case_read(self.client.user, case, view="api")
        return Response(_case(case))

    @extend_schema(
        operation_id="cases_update",
        request=CaseUpdateSerializer,
        responses=CaseSerializer,
        description="Close a case (the household no longer receives benefits) or reopen it.",
    )
    def patch(self, request: Request, case_uuid: uuid.UUID) -> Response:
        client = self.client
        case = access_case_for_client(client, case_uuid)
        data = valid_data(CaseUpdateSerializer, request)
        with transaction.atomic():
            if data["status"] == CaseStatus.CLOSED and case.status != CaseStatus.CLOSED:
                case = case_close(case=case, actor=client.user)
            elif data["status"] == CaseStatus.ACTIVE and case.status != CaseStatus.ACTIVE:
                case = case_reopen(case=case, actor=client.user)
        return Response(_case(case))


class PersonCreate(ApiView):
    """Add a member to the household."""

    required_scopes = {"POST": Scope.CASES_WRITE}
    serializer_class = PersonSerializer

    @extend_schema(
        operation_id="persons_create",
        request=PersonWriteSerializer,
        responses={201: PersonSerializer},
    )
    def post(self, request: Request, case_uuid: uuid.UUID) -> Response:
        client = self.client
        case = access_case_for_client(client, case_uuid)
        data = valid_data(PersonWriteSerializer, request)
        with transaction.atomic():
            person = person_create(case=case, actor=client.user, **data)
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)


class PersonDetail(ApiView):
    """A member of a household; change their data."""

    required_scopes = {"GET": Scope.CASES_READ, "PATCH": Scope.CASES_WRITE}
    serializer_class = PersonSerializer

    @extend_schema(operation_id="persons_retrieve", responses=PersonSerializer)
    def get(self, request: Request, person_uuid: uuid.UUID) -> Response:
        person = access_person_for_client(self.client, person_uuid)
        with transaction.atomic():
            record_case_read(self.client.user, person.case, view="api:person")
        return Response(PersonSerializer(person).data)

    @extend_schema(
        operation_id="persons_update",
        request=PersonUpdateSerializer,
        responses=PersonSerializer,
        description="Change the given fields; the Kundennummer stays.",
    )
    def patch(self, request: Request, person_uuid: uuid.UUID) -> Response:
        client = self.client
        person = access_person_for_client(client, person_uuid)
        data = valid_data(PersonUpdateSerializer, request)
        # A birth date sent as null clears nothing: the service leaves None unchanged.
        with transaction.atomic():
            person = person_update_service(person=person, actor=client.user, **data)
        return Response(PersonSerializer(person).data)
