"""Webhooks as the API shows and takes them (the secret only once, in the answer to the creation)."""

from __future__ import annotations

from rest_framework import serializers

from api.models import Webhook, WebhookDelivery, WebhookEvent
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


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event = serializers.ChoiceField(choices=WebhookEvent.choices, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "webhook", "event", "event_id", "created_at", "attempts", "round", "round_first_attempt",
            "redelivered_at", "last_status", "last_error", "next_attempt_at", "delivered_at", "gave_up_at",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "event_id": {"help_text": "The X-Planner-Delivery header: the same on every attempt."},
            "next_attempt_at": {"help_text": "When the next attempt is due (null once delivered or given up)."},
            "attempts": {"help_text": "Attempts made, in every round."},
            "round": {"help_text": "1, then one more each time an admin redelivers what gave up."},
            "redelivered_at": {"help_text": "When an admin last started a new round (null: never)."},
        }


class RedeliverySerializer(serializers.Serializer):
    delivery = serializers.PrimaryKeyRelatedField(
        queryset=WebhookDelivery.objects.none(),
        help_text="One of this webhook's deliveries, one that gave up: it gets a new round of attempts.",
    )

    def __init__(self, *args: object, webhook: Webhook | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if webhook is not None:  # None: the schema's instance
            self.fields["delivery"].queryset = webhook.deliveries.select_related("webhook__organisation")
