"""A campaign's targets, as on its report page: listed with their progress; added, given an outcome's figure and
removed by the organisation's managers and admins, through `analytics/targets.py`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from analytics import reports, targets
from analytics.models import CampaignTarget
from api.filters import TargetFilter
from api.serializers.targets import OutcomeSerializer, TargetCreateSerializer, TargetSerializer
from api.views.base import ScopedReadViewSet, valid


class TargetViewSet(ScopedReadViewSet):
    """Targets of campaigns, each with its progress as the report computes it."""

    model = CampaignTarget
    serializer_class = TargetSerializer
    filterset_class = TargetFilter

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("campaign__organisation", "updated_by")

    def _shown(self, rows: list[CampaignTarget], **kwargs: Any) -> Any:
        context = self.get_serializer_context() | {"progress": reports.targets_progress(rows)}
        return TargetSerializer(rows, context=context, **kwargs).data

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._shown(list(page), many=True))

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._shown([self.get_object()], many=True)[0])

    def _fresh(self, target: CampaignTarget) -> Any:
        return self._shown([self.get_queryset().get(pk=target.pk)], many=True)[0]

    @extend_schema(request=TargetCreateSerializer, responses={201: TargetSerializer})
    def create(self, request: Request) -> Response:
        """Set a target for a campaign (managers and admins), validated as the report page's form is."""
        fields = valid(TargetCreateSerializer, request)
        campaign = fields.pop("campaign")
        target = targets.add_target(campaign, request.user, fields)
        return Response(self._fresh(target), status=status.HTTP_201_CREATED)

    @extend_schema(request=OutcomeSerializer, responses=TargetSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Enter an outcome's figure as last reported (managers and admins); other targets are read from metrics."""
        target = self.get_object()
        achieved = valid(OutcomeSerializer, request)["achieved"]
        return Response(self._fresh(targets.enter_outcome(target, request.user, achieved)))

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        """Remove a target (managers and admins); its history is kept."""
        targets.remove_target(self.get_object(), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
