"""Items (with their workflow actions and scheduling) and their variants, through the services the pages use."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api import rows
from api.filters import ItemFilter, VariantFilter
from api.serializers.content import ActionSerializer, ItemSerializer, ProblemSerializer, VariantSerializer
from api.serializers.publishing import PublicationSerializer
from api.serializers.writes import (
    AltTextSerializer,
    AttachSerializer,
    ItemCreateSerializer,
    ItemEditSerializer,
    ScheduleSerializer,
    SourcesSerializer,
    VariantAddSerializer,
    VariantEditSerializer,
)
from api.views.base import ScopedReadViewSet, valid
from campaigns import checks, editing, workflow
from campaigns.models import ContentItem, Source, Variant
from publishing import scheduling


class ItemViewSet(ScopedReadViewSet):
    """Content items with their variants. The actions move an item through review, by `campaigns/workflow.py`."""

    model = ContentItem
    serializer_class = ItemSerializer
    filterset_class = ItemFilter
    ordering_fields = ["id", "updated_at", "created_at"]  # not planned_at: a cursor cannot pass a null

    def get_queryset(self) -> QuerySet:
        return (
            super()
            .get_queryset()
            .select_related("author", "campaign__organisation")
            .prefetch_related("variants__media", Prefetch("sources", queryset=Source.objects.order_by("pk")))
        )

    def list(self, request: Request) -> Response:
        fast = rows.fast_list(self, "items", super().get_queryset())
        return fast if fast is not None else super().list(request)

    def _fresh(self, item: ContentItem) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=item.pk)).data

    @extend_schema(request=ItemCreateSerializer, responses={201: ItemSerializer})
    def create(self, request: Request) -> Response:
        """Draft an item, with a variant per platform and language (through `campaigns/editing.py`)."""
        fields = valid(ItemCreateSerializer, request)
        campaign = fields.pop("campaign")
        platforms, languages = fields.pop("platforms"), fields.pop("languages")
        variants = [(platform, language) for platform in platforms for language in languages]
        item = editing.create_item(campaign, request.user, fields, variants)
        return Response(self._fresh(item), status=status.HTTP_201_CREATED)

    @extend_schema(request=ItemEditSerializer, responses=ItemSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change some of an item's fields, on the version you read (a newer one answers 409)."""
        item = self.get_object()
        changes = valid(ItemEditSerializer, request, partial=True)
        if "version" not in changes:
            raise ValidationError({"version": "Give the version you read."}, code="required")
        item = editing.edit_item(item, request.user, changes.pop("version"), changes)
        return Response(self._fresh(item))

    @extend_schema(request=VariantAddSerializer, responses={201: VariantSerializer}, filters=False)
    @action(detail=True, methods=["post"], url_path="variants", filter_backends=[])
    def add_variant(self, request: Request, pk: str) -> Response:
        """Add a variant for a platform and language, starting from the item's master text."""
        item = self.get_object()
        given = valid(VariantAddSerializer, request)
        variant = editing.add_variant(item, request.user, given["version"], given["platform"], given["language"])
        return Response(VariantSerializer(variant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SourcesSerializer, responses=ItemSerializer, filters=False)
    @action(detail=True, methods=["put"], filter_backends=[])
    def sources(self, request: Request, pk: str) -> Response:
        """Replace the item's sources with the ones given, in their order (an empty list removes them)."""
        item = self.get_object()
        given = valid(SourcesSerializer, request)
        pairs = [(source["url"], source["title"]) for source in given["sources"]]
        return Response(self._fresh(editing.replace_sources(item, request.user, given["version"], pairs)))

    @extend_schema(responses=ProblemSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def checks(self, request: Request, pk: str) -> Response:
        """The pre-publish checks of the item and its variants, as its page shows them: errors block approval."""
        return Response(ProblemSerializer(checks.check_item(self.get_object()), many=True).data)

    @extend_schema(request=ScheduleSerializer, responses={201: PublicationSerializer(many=True)}, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def schedule(self, request: Request, pk: str) -> Response:
        """Schedule the approved item's variants on accounts at one time; the item becomes scheduled."""
        item = self.get_object()
        given = valid(ScheduleSerializer, request)
        # The same pair twice is one publication (the page's checkboxes cannot repeat one either).
        targets = list(dict.fromkeys((target["variant"], target["account"]) for target in given["targets"]))
        publications = scheduling.schedule(item, request.user, targets, given["when"])
        return Response(PublicationSerializer(publications, many=True).data, status=status.HTTP_201_CREATED)

    def _move(self, request: Request, action_name: str) -> Response:
        item = self.get_object()  # another organisation's item: 404 whatever the body
        comment = valid(ActionSerializer, request)["comment"]
        return Response(self._fresh(workflow.perform(item, action_name, request.user, comment)))

    @extend_schema(request=ActionSerializer, responses=ItemSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request: Request, pk: str) -> Response:
        """Submit a draft for review (the pre-publish checks run: errors answer 422)."""
        return self._move(request, "submit")

    @extend_schema(request=ActionSerializer, responses=ItemSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve an item in review (managers; never one's own; alerts need two managers)."""
        return self._move(request, "approve")

    @extend_schema(request=ActionSerializer, responses=ItemSerializer, filters=False)
    @action(detail=True, methods=["post"], url_path="request-changes", filter_backends=[])
    def request_changes(self, request: Request, pk: str) -> Response:
        """Send an item in review back to its author; the comment is required."""
        return self._move(request, "request_changes")

    @extend_schema(request=ActionSerializer, responses=ItemSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def rework(self, request: Request, pk: str) -> Response:
        """Take an item whose changes were requested back to draft."""
        return self._move(request, "rework")

    @extend_schema(request=ActionSerializer, responses=ItemSerializer, filters=False)
    @action(detail=True, methods=["post"], url_path="return-to-review", filter_backends=[])
    def return_to_review(self, request: Request, pk: str) -> Response:
        """Take approved or scheduled content back to review (its pending publications are cancelled)."""
        return self._move(request, "return_to_review")

    @extend_schema(request=ActionSerializer, responses=ItemSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def unschedule(self, request: Request, pk: str) -> Response:
        """Unschedule a scheduled item (its pending publications are cancelled)."""
        return self._move(request, "unschedule")

    @extend_schema(request=ActionSerializer, responses=ItemSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def archive(self, request: Request, pk: str) -> Response:
        """Archive an item (editors, managers, admins)."""
        return self._move(request, "archive")


class VariantViewSet(ScopedReadViewSet):
    """Variants of items; `attach`, `detach` and `alt-text` change their media, on the item's version you read."""

    model = Variant
    serializer_class = VariantSerializer
    filterset_class = VariantFilter

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("item").prefetch_related("media")

    @extend_schema(request=VariantEditSerializer, responses=VariantSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change a variant's text, link or first comment, on the item's version you read (else 409)."""
        variant = self.get_object()
        changes = valid(VariantEditSerializer, request, partial=True)
        if "version" not in changes:
            raise ValidationError({"version": "Give the item's version you read."}, code="required")
        editing.edit_variant(variant, request.user, changes.pop("version"), changes)
        return Response(self.get_serializer(self.get_queryset().get(pk=variant.pk)).data)

    def _fresh(self, variant: Variant) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=variant.pk)).data)

    @extend_schema(request=AttachSerializer, responses=VariantSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def attach(self, request: Request, pk: str) -> Response:
        """Attach an asset of the library after the variant's other media (attached already: nothing changes)."""
        variant = self.get_object()
        given = valid(AttachSerializer, request)
        editing.attach_media(variant, request.user, given["version"], given["asset"])
        return self._fresh(variant)

    @extend_schema(request=AttachSerializer, responses=VariantSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def detach(self, request: Request, pk: str) -> Response:
        """Remove an asset from the variant; it stays in the library."""
        variant = self.get_object()
        given = valid(AttachSerializer, request)
        editing.detach_media(variant, request.user, given["version"], given["asset"])
        return self._fresh(variant)

    @extend_schema(request=AltTextSerializer, responses=VariantSerializer, filters=False)
    @action(detail=True, methods=["post"], url_path="alt-text", filter_backends=[])
    def alt_text(self, request: Request, pk: str) -> Response:
        """Set an attached asset's alt text in the variant's language (approved content goes back to review)."""
        variant = self.get_object()
        given = valid(AltTextSerializer, request)
        editing.set_alt_text(variant, request.user, given["version"], given["asset"], given["alt_text"])
        return self._fresh(variant)
