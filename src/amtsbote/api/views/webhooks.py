"""The client's own webhooks and their delivery log (set up with manage.py api_webhook_add)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from amtsbote.integrations.constants import DeliveryStatus, Scope, WebhookEvent
from amtsbote.integrations.models import WebhookDelivery, WebhookEndpoint

from ..serializers import WebhookDeliverySerializer, WebhookEndpointSerializer
from .base import ApiView


class WebhookList(ApiView):
    """The client's webhooks (the signing secret is shown only when one is made)."""

    required_scopes = {"GET": Scope.WEBHOOKS_READ}
    serializer_class = WebhookEndpointSerializer

    @extend_schema(operation_id="webhooks_list", responses=WebhookEndpointSerializer(many=True))
    def get(self, request: Request) -> Response:
        endpoints = WebhookEndpoint.objects.filter(client=self.client).order_by("created_at")
        page = self.paginate_queryset(endpoints)
        return self.get_paginated_response(WebhookEndpointSerializer(page, many=True).data)


class DeliveryFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    event = serializers.ChoiceField(choices=WebhookEvent.choices, required=False)


class DeliveryLog(ApiView):
    """The delivery log of the client's webhooks, newest first: every event, its attempts
    and the receiver's last answer."""

    required_scopes = {"GET": Scope.WEBHOOKS_READ}
    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        operation_id="webhook_deliveries_list",
        parameters=[
            OpenApiParameter("status", str, enum=DeliveryStatus.values),
            OpenApiParameter("event", str, enum=WebhookEvent.values),
        ],
        responses=WebhookDeliverySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = DeliveryFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        deliveries = (
            WebhookDelivery.objects.filter(endpoint__client=self.client)
            .select_related("endpoint")
            .order_by("-created_at", "-id")
        )
        if status := filters.validated_data.get("status"):
            deliveries = deliveries.filter(status=status)
        if event := filters.validated_data.get("event"):
            deliveries = deliveries.filter(event=event)
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
