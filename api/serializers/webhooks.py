"""Webhooks as the API shows and takes them (the secret only once, in the answer to the creation)."""

from __future__ import annotations

from rest_framework import serializers

from api.models import Webhook, WebhookEvent
from api.serializers.writes import ScopedPrimaryKeyField
from campaigns.models import Organisation


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))

    class Meta:
        model = Webhook
        fields = ["id", "organisation", "url", "events", "is_active", "created_at"]
        read_only_fields = fields


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="Signs every delivery; shown here once and never again: keep it now."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookWriteSerializer(serializers.Serializer):
    organisation = ScopedPrimaryKeyField(Organisation, help_text="One of your organisations (where you are an admin).")
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1)
