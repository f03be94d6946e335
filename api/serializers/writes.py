"""What the API accepts to change things. Shapes only: the services validate the rules and the models the values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns import card_making
from campaigns.alt_text import validate_alt_text
from campaigns.campaign_setup import CAMPAIGN_FIELDS
from campaigns.cards import SHAPES
from campaigns.editing import ITEM_FIELDS, VARIANT_FIELDS
from campaigns.languages import CONTENT_LANGUAGES
from campaigns.library import ASSET_FIELDS
from campaigns.models import Campaign, ContentItem, MediaAsset, Organisation, Variant
from publishing import scheduling
from publishing.models import SocialAccount
from publishing.platforms import Platform


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id among `model.objects.for_user(user)`: another organisation's is "does not exist", like a wrong id."""

    def __init__(self, model: type, roles: Any = None, **kwargs: Any) -> None:
        self.model, self.roles = model, roles
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return self.model.objects.none()
        return self.model.objects.for_user(request.user, roles=self.roles)


class CampaignWriteSerializer(serializers.ModelSerializer):
    organisation = ScopedPrimaryKeyField(
        Organisation, help_text="One of your organisations (where you are a manager or an admin)."
    )
    logo = ScopedPrimaryKeyField(MediaAsset, required=False, allow_null=True)

    class Meta:
        model = Campaign
        fields = ["organisation", *CAMPAIGN_FIELDS]
        # The model's own validation (clean and constraints) runs in the service, as in the admin's form.
        validators: list = []
        extra_kwargs = {"hashtags": {"required": False}, "languages": {"required": False}}


class CampaignUpdateSerializer(CampaignWriteSerializer):
    class Meta(CampaignWriteSerializer.Meta):
        fields = list(CAMPAIGN_FIELDS)


class ItemCreateSerializer(serializers.ModelSerializer):
    campaign = ScopedPrimaryKeyField(Campaign)
    platforms = serializers.ListField(
        child=serializers.ChoiceField(choices=Platform.choices), required=False, default=list
    )
    languages = serializers.ListField(child=serializers.CharField(max_length=8), required=False, default=list)

    class Meta:
        model = ContentItem
        fields = ["campaign", *ITEM_FIELDS, "platforms", "languages"]
        validators: list = []


class ItemEditSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(help_text="The version you read: a newer one saved since answers 409.")

    class Meta:
        model = ContentItem
        fields = ["version", *ITEM_FIELDS]
        validators: list = []


class VariantEditSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(help_text="The item's version you read: a newer one answers 409.")

    class Meta:
        model = Variant
        fields = ["version", *VARIANT_FIELDS]
        validators: list = []


class TargetSerializer(serializers.Serializer):
    variant = ScopedPrimaryKeyField(Variant)
    account = ScopedPrimaryKeyField(SocialAccount)


class RescheduleSerializer(serializers.Serializer):
    when = serializers.DateTimeField(help_text="When to publish, with its UTC offset.")

    def validate_when(self, when: dt.datetime) -> dt.datetime:
        if scheduling.is_in_the_past(when):
            raise serializers.ValidationError("This time has passed; choose a time to come.", code="in_the_past")
        return when


class ScheduleSerializer(RescheduleSerializer):
    targets = TargetSerializer(many=True, help_text="Each variant with an account of its platform.")


class ConfirmSerializer(serializers.Serializer):
    remote_url = serializers.URLField(help_text="The address of the post on the platform.", max_length=500)


class VariantAddSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The item's version you read: a newer one answers 409.")
    platform = serializers.ChoiceField(choices=Platform.choices)
    language = serializers.CharField(max_length=8, help_text="One of the campaign's languages.")


class SourceSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class SourcesSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read: a newer one saved since answers 409.")
    sources = SourceSerializer(
        many=True, help_text="The item's own sources (not its claims'), in order; they replace the ones it has."
    )


class AttachSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The item's version you read: a newer one answers 409.")
    asset = ScopedPrimaryKeyField(MediaAsset, help_text="An asset of the item's organisation's library.")


class AltTextSerializer(AttachSerializer):
    alt_text = serializers.CharField(
        allow_blank=True,
        max_length=1000,
        help_text="The attached asset's alt text in the variant's language.",
        validators=[validate_alt_text],
    )


class PauseSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why publishing is paused; everyone sees it.", max_length=2000)


class MediaUploadSerializer(serializers.Serializer):
    organisation = ScopedPrimaryKeyField(Organisation, help_text="The library to add the file to.")
    file = serializers.FileField(help_text="An image or a video; its type is read from its content, not its name.")
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class MediaEditSerializer(serializers.ModelSerializer):
    campaign = ScopedPrimaryKeyField(Campaign, required=False, allow_null=True)

    class Meta:
        model = MediaAsset
        fields = list(ASSET_FIELDS)
        validators: list = []


class CardsSerializer(serializers.Serializer):
    """The card page's fields; the campaign is the one in the address."""

    language = serializers.ChoiceField(choices=CONTENT_LANGUAGES, help_text="One of the campaign's languages.")
    title = serializers.CharField(max_length=card_making.TITLE_MAX_CHARS)
    figure = serializers.CharField(
        max_length=card_making.FIGURE_MAX_CHARS, help_text="The one big number, as it is to be read: 70%, ٧٠٪, 1 in 3."
    )
    line = serializers.CharField(
        max_length=card_making.LINE_MAX_CHARS, help_text="One sentence that says what the figure means."
    )
    shapes = serializers.ListField(
        child=serializers.ChoiceField(choices=[(s.key, f"{s.ratio}: {s.used_for}") for s in SHAPES.values()]),
        min_length=1, max_length=len(SHAPES), required=False, default=lambda: list(SHAPES),
        help_text="The shapes to draw the card in, one asset each; every shape when left out.",
    )  # fmt: skip
