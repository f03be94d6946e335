"""Campaigns, items, variants, comments, and the body of a workflow action."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.fields import ShownOptionalUrlField
from campaigns.comments import COMMENT_MAX_CHARS
from campaigns.models import Campaign, Comment, ContentItem, Source, Variant


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id", "organisation", "name", "goal", "start_date", "end_date", "hashtags", "colour", "languages",
            "priority", "late_cutoff_minutes", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class VariantSerializer(serializers.ModelSerializer):
    media = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    link = ShownOptionalUrlField()

    class Meta:
        model = Variant
        fields = ["id", "item", "platform", "language", "text", "link", "first_comment", "media", "updated_at"]
        read_only_fields = fields


class SourceReadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["url", "title"]
        read_only_fields = fields


class ItemSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True, default=None)
    variants = VariantSerializer(many=True, read_only=True)
    sources = SourceReadSerializer(many=True, read_only=True, help_text="The sources the text rests on, in order.")

    class Meta:
        model = ContentItem
        fields = [
            "id", "campaign", "kind", "title", "brief", "master_text", "planned_at", "approval_expired_at", "state",
            "is_crisis", "is_health_advice", "author", "version", "created_at", "updated_at", "variants", "sources",
        ]  # fmt: skip
        read_only_fields = fields


class ActionSerializer(serializers.Serializer):
    """The body of a workflow action; a comment is required to request changes."""

    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=COMMENT_MAX_CHARS)


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Comment
        fields = ["id", "item", "author", "body", "created_at", "edited_at"]
        read_only_fields = ["id", "author", "created_at", "edited_at"]
        extra_kwargs = {"edited_at": {"help_text": "When its author last changed it (null: never edited)."}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        # Only items of the user's organisations can be named: another's is "does not exist", like a wrong id.
        user = request.user if request is not None else None
        queryset = ContentItem.objects.for_user(user) if user is not None else ContentItem.objects.none()
        self.fields["item"] = serializers.PrimaryKeyRelatedField(queryset=queryset)


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_MAX_CHARS, help_text="The comment's new text.")


class ProblemSerializer(serializers.Serializer):
    """One finding of the pre-publish checks (`campaigns/checks.py`); errors block approval."""

    field = serializers.CharField(help_text="What it is about, e.g. `text` or `media.0.alt_text`.")
    rule = serializers.CharField()
    message = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])
    variant = serializers.IntegerField(source="variant_id", allow_null=True, help_text="Null: the item's own.")
