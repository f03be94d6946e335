"""The user's own notifications."""

from __future__ import annotations

from rest_framework import serializers

from campaigns.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "item", "kind", "message", "created_at", "read_at"]
        read_only_fields = fields
