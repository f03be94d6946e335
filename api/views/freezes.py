"""Pauses of publishing (freezes), as the freezes page lists them, each liftable on its own."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import FreezeFilter
from api.serializers.publishing import FreezeSerializer, ResumedSerializer
from api.views.base import ScopedReadViewSet
from publishing import freezes
from publishing.models import Freeze


class FreezeViewSet(ScopedReadViewSet):
    """Pauses of an organisation's, a campaign's or an account's publishing, newest first. They start with the
    `pause` action of that organisation, campaign or account."""

    model = Freeze
    serializer_class = FreezeSerializer
    filterset_class = FreezeFilter
    ordering = ["-id"]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("started_by")

    @extend_schema(request=None, responses=ResumedSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def lift(self, request: Request, pk: str) -> Response:
        """Lift this pause (managers and admins). What it held goes back to review: nothing is sent on its own."""
        lifted = freezes.lift_freeze(self.get_object(), request.user)
        resumed = {
            "lifted": [lifted.freeze],
            "held_items": sorted(item.pk for item in lifted.held_items),
            "overdue_items": sorted(item.pk for item in lifted.overdue_items),
        }
        return Response(ResumedSerializer(resumed).data)
