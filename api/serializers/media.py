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


class UsageSerializer(serializers.Serializer):
    """A variant that uses an asset, as the asset's page lists it: its item, platform, language and campaign."""

    variant = serializers.IntegerField(source="variant_id")
    position = serializers.IntegerField(help_text="Where the asset is among the variant's media, from 0.")
    item = serializers.IntegerField(source="variant.item_id")
    item_title = serializers.CharField(source="variant.item.title")
    platform = serializers.CharField(source="variant.platform")
    language = serializers.CharField(source="variant.language")
    campaign = serializers.IntegerField(source="variant.item.campaign_id")
    campaign_name = serializers.CharField(source="variant.item.campaign.name")
