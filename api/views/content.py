"""Campaigns (with their report), items (with their workflow actions), variants and comments."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.reports import campaign_report
from api.filters import CampaignFilter, CommentFilter, ItemFilter, VariantFilter
from api.serializers.content import (
    ActionSerializer,
    CampaignSerializer,
    CommentSerializer,
    ItemSerializer,
    VariantSerializer,
)
from api.serializers.reports import ReportSerializer
from api.views.base import ScopedReadViewSet
from campaigns import comments, workflow
from campaigns.models import Campaign, Comment, ContentItem, Variant


class CampaignViewSet(ScopedReadViewSet):
    model = Campaign
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    ordering_fields = ["id", "start_date", "name", "priority"]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("organisation")

    @extend_schema(responses=ReportSerializer, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def report(self, request: Request, pk: str) -> Response:
        """The campaign report's figures: totals, tables per platform, kind and language, weeks, targets."""
        report = campaign_report(self.get_object(), request.user, with_charts=False)
        return Response(ReportSerializer(report).data)


class ItemViewSet(ScopedReadViewSet):
    """Content items with their variants. The actions move an item through review, by `campaigns/workflow.py`."""

    model = ContentItem
    serializer_class = ItemSerializer
    filterset_class = ItemFilter
    ordering_fields = ["id", "planned_at", "updated_at"]

    def get_queryset(self) -> QuerySet:
        return (
            super()
            .get_queryset()
            .select_related("author", "campaign__organisation")
            .prefetch_related("variants__attachments")
        )

    def _move(self, request: Request, action_name: str) -> Response:
        body = ActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = workflow.perform(self.get_object(), action_name, request.user, body.validated_data["comment"])
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)

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
    model = Variant
    serializer_class = VariantSerializer
    filterset_class = VariantFilter

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().prefetch_related("attachments")


class CommentViewSet(mixins.CreateModelMixin, ScopedReadViewSet):
    """Comments on items; a new one goes through `campaigns.comments.add_comment` (mentions are told)."""

    model = Comment
    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    ordering = ["id"]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("author")

    def create(self, request: Request) -> Response:
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        comment = comments.add_comment(given.validated_data["item"], request.user, given.validated_data["body"])
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)
