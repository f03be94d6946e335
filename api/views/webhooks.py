"""Webhooks of an organisation: listed, registered and removed by its admins, with their deliveries."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api import webhooks
from api.models import Webhook
from api.serializers.webhooks import (
    RedeliverySerializer,
    WebhookCreatedSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
    WebhookWriteSerializer,
)
from api.views.base import valid
from campaigns.models import Role


class WebhookViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The webhooks of the organisations where you are an admin (others see none)."""

    serializer_class = WebhookSerializer
    ordering_fields = ["id"]

    def get_queryset(self) -> QuerySet:
        return Webhook.objects.for_user(self.request.user, roles=[Role.ADMIN])

    @extend_schema(request=WebhookWriteSerializer, responses={201: WebhookCreatedSerializer})
    def create(self, request: Request) -> Response:
        """Register a URL for some events; the answer holds the signing secret, shown this once."""
        fields = valid(WebhookWriteSerializer, request)
        hook, secret = webhooks.create_webhook(fields["organisation"], request.user, fields["url"], fields["events"])
        hook.secret = secret
        return Response(WebhookCreatedSerializer(hook).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Webhook) -> None:
        webhooks.delete_webhook(instance, self.request.user)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=WebhookDeliverySerializer, filter_backends=[])
    def deliveries(self, request: Request, pk: str) -> Response:
        """The hook's deliveries, newest first: attempts, the last answer or error, and what comes next."""
        page = self.paginate_queryset(self.get_object().deliveries.order_by("-id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=RedeliverySerializer, responses=WebhookDeliverySerializer)
    @action(detail=True, methods=["post"])
    def redeliver(self, request: Request, pk: str) -> Response:
        """Start a new round of attempts at one of the hook's deliveries that gave up (409 otherwise): the first
        after this answer, retried as the first round was."""
        hook = self.get_object()
        fields = valid(RedeliverySerializer, request, webhook=hook)
        delivery = webhooks.redeliver(fields["delivery"], request.user)
        return Response(WebhookDeliverySerializer(delivery).data)
