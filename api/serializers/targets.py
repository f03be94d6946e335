"""A campaign's targets as the report page shows and takes them (`analytics/targets.py` holds the rules)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analytics.models import CampaignTarget
from analytics.targets import Progress
from api.serializers.writes import ScopedPrimaryKeyField
from campaigns.models import Campaign, ContentItem
from publishing.platforms import Platform

# The report page's field takes no larger figure (analytics/forms.py).
ACHIEVED_MAX = 10**15


class ProgressReadSerializer(serializers.Serializer):
    """Where the target stands today: read from the collected metrics (an outcome: from the figure entered)."""

    achieved = serializers.IntegerField(allow_null=True, help_text="Null: an outcome nobody has entered yet.")
    expected_by_now = serializers.IntegerField(
        allow_null=True, help_text="Where a steady pace would be today; null for a campaign without an end date."
    )
    fraction = serializers.FloatField(help_text="Achieved over the target, at most 1.")
    percent = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["unknown", "reached", "under way", "on track", "behind"])


class TargetSerializer(serializers.ModelSerializer):
    updated_by = serializers.CharField(source="updated_by.username", read_only=True, allow_null=True, default=None)
    description = serializers.CharField(source="describe", read_only=True)
    kind = serializers.ChoiceField(
        choices=ContentItem.Kind.choices, allow_blank=True, read_only=True, help_text="Empty: every kind."
    )
    platform = serializers.ChoiceField(
        choices=Platform.choices, allow_blank=True, read_only=True, help_text="Empty: every platform."
    )
    progress = serializers.SerializerMethodField()

    class Meta:
        model = CampaignTarget
        fields = [
            "id", "campaign", "measure", "target", "kind", "platform", "label", "achieved", "description",
            "updated_by", "updated_at", "progress",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ProgressReadSerializer(allow_null=True))
    def get_progress(self, target: CampaignTarget) -> dict[str, Any] | None:
        shown: Progress | None = self.context.get("progress", {}).get(target.pk)
        return None if shown is None else ProgressReadSerializer(shown).data


class TargetCreateSerializer(serializers.ModelSerializer):
    campaign = ScopedPrimaryKeyField(
        Campaign, help_text="A campaign of your organisations (you are its manager or admin)."
    )
    achieved = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=ACHIEVED_MAX,
        help_text="An outcome's figure as last reported; only an outcome has one.",
    )  # fmt: skip

    class Meta:
        model = CampaignTarget
        fields = ["campaign", "measure", "target", "kind", "platform", "label", "achieved"]
        # The model's own validation (clean and constraints) runs in analytics/targets.py, as for the page's form.
        validators: list = []


class OutcomeSerializer(serializers.Serializer):
    achieved = serializers.IntegerField(
        min_value=0, max_value=ACHIEVED_MAX, help_text="The outcome's figure as last reported."
    )
