"""The campaign report's figures as `analytics.reports.campaign_report` computes them (nothing recomputed here)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class TotalsSerializer(serializers.Serializer):
    posts = serializers.IntegerField()
    items = serializers.IntegerField()
    reach = serializers.IntegerField()
    likes = serializers.IntegerField()
    shares = serializers.IntegerField()
    replies = serializers.IntegerField()
    clicks = serializers.IntegerField()
    video_views = serializers.IntegerField()
    watch_time_s = serializers.IntegerField()
    engagement = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="Engagement over reach; null when no reach reported.")
    per_post = serializers.FloatField()


class GroupSerializer(serializers.Serializer):
    """One row of a table: a platform, kind or language and its totals (the report holds them as pairs)."""

    key = serializers.CharField()
    totals = TotalsSerializer()

    def to_representation(self, pair: tuple[Any, Any]) -> dict[str, Any]:
        return {"key": str(pair[0]), "totals": TotalsSerializer(pair[1]).data}


class WeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday the week starts on.")
    totals = TotalsSerializer()

    def to_representation(self, pair: tuple[Any, Any]) -> dict[str, Any]:
        return {"week": pair[0].isoformat(), "totals": TotalsSerializer(pair[1]).data}


class TopItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    totals = TotalsSerializer()


class ProgressSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.pk")
    measure = serializers.CharField(source="target.measure")
    label = serializers.CharField(source="target.label")
    goal = serializers.IntegerField(source="target.target")
    achieved = serializers.IntegerField(allow_null=True)
    expected_by_now = serializers.IntegerField(allow_null=True)
    fraction = serializers.FloatField()


class PostingTimeSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 is Monday.")
    hour = serializers.IntegerField(help_text="In the organisation's timezone.")
    posts = serializers.IntegerField()
    engagement_per_post = serializers.FloatField()


class ReportSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(source="campaign.pk")
    totals = TotalsSerializer()
    by_platform = GroupSerializer(many=True)
    by_kind = GroupSerializer(many=True)
    by_language = GroupSerializer(many=True)
    weeks = WeekSerializer(many=True)
    top_items = TopItemSerializer(many=True)
    progress = ProgressSerializer(many=True)
    best_times = PostingTimeSerializer(many=True)
