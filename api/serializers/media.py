"""The media library: metadata, file address and alt text per language."""

from __future__ import annotations

from rest_framework import serializers

from campaigns.models import MediaAsset


class MediaSerializer(serializers.ModelSerializer):
    file = serializers.FileField(read_only=True, use_url=True)

    class Meta:
        model = MediaAsset
        fields = [
            "id", "organisation", "campaign", "title", "kind", "mime_type", "file", "alt_text", "width", "height",
            "duration_ms", "focal_x", "focal_y", "tags", "size_bytes", "created_at",
        ]  # fmt: skip
        read_only_fields = fields
