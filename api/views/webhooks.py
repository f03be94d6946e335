"""Webhooks of an organisation: listed, registered and removed by its admins."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api import webhooks
from api.models import Webhook
from api.serializers.webhooks import WebhookCreatedSerializer, WebhookSerializer, WebhookWriteSerializer
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
