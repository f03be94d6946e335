"""Connected accounts (never their credentials), publications and their metrics."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.fields import ShownOptionalUrlField
from publishing.models import Freeze, Metric, Publication, SocialAccount
from publishing.reconnect import connection_state


class AccountStateSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["connected", "expires_soon", "needs_reconnecting", "inactive"])
    label = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)


class AccountSerializer(serializers.ModelSerializer):
    """An account as the accounts page shows it. `credentials` and `api_base_url` are deliberately absent."""

    state = serializers.SerializerMethodField()

    class Meta:
        model = SocialAccount
        fields = ["id", "organisation", "platform", "handle", "display_name", "is_active", "state", "created_at"]
        read_only_fields = fields

    @extend_schema_field(AccountStateSerializer)
    def get_state(self, account: SocialAccount) -> dict[str, Any]:
        state = connection_state(account)
        return {"code": state.code, "label": state.label, "reason": state.reason}


class MetricSerializer(serializers.ModelSerializer):
    class Meta:
        model = Metric
        fields = [
            "id", "publication", "slot", "collected_at", "impressions", "likes", "shares", "replies", "clicks",
            "video_views", "watch_time_s", "is_latest",
        ]  # fmt: skip
        read_only_fields = fields


class PublicationSerializer(serializers.ModelSerializer):
    item = serializers.IntegerField(source="variant.item_id", read_only=True)
    latest_metrics = serializers.SerializerMethodField()
    remote_url = ShownOptionalUrlField()

    class Meta:
        model = Publication
        fields = [
            "id", "item", "variant", "account", "state", "scheduled_at", "latest_acceptable_at", "published_at",
            "attempts", "next_attempt_at", "remote_url", "last_error", "latest_metrics", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(MetricSerializer(allow_null=True))
    def get_latest_metrics(self, publication: Publication) -> dict[str, Any] | None:
        latest = getattr(publication, "latest_metric_rows", None)
        if latest is None:
            latest = [m for m in publication.metrics.all() if m.is_latest]
        return self._metric_serializer.to_representation(latest[0]) if latest else None

    @cached_property
    def _metric_serializer(self) -> MetricSerializer:
        # One for the whole page (the list reuses this serializer for every row): a new one per row spent
        # about 1 ms building its fields from the model, most of a 50-row page's time.
        return MetricSerializer(context=self.context)


class FreezeSerializer(serializers.ModelSerializer):
    started_by = serializers.CharField(source="started_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Freeze
        fields = ["id", "organisation", "campaign", "account", "reason", "started_by", "started_at", "lifted_at"]
        read_only_fields = fields


class DisconnectedSerializer(serializers.Serializer):
    account = AccountSerializer()
    cancelled_publications = serializers.IntegerField(help_text="How many scheduled publications were cancelled.")


class ResumedSerializer(serializers.Serializer):
    """What resuming did: the pauses lifted, and the items they held (back in review; the overdue ones listed)."""

    lifted = FreezeSerializer(many=True)
    held_items = serializers.ListField(child=serializers.IntegerField())
    overdue_items = serializers.ListField(child=serializers.IntegerField())
