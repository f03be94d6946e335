"""Connected accounts, publications and their metrics."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import AccountFilter, MetricFilter, PublicationFilter
from api.serializers.publishing import AccountSerializer, MetricSerializer, PublicationSerializer
from api.views.base import ScopedReadViewSet
from publishing.models import Metric, Publication, SocialAccount


class AccountViewSet(ScopedReadViewSet):
    """Connected accounts: platform, handle and how they stand. Their credentials are never returned."""

    model = SocialAccount
    serializer_class = AccountSerializer
    filterset_class = AccountFilter


class PublicationViewSet(ScopedReadViewSet):
    model = Publication
    serializer_class = PublicationSerializer
    filterset_class = PublicationFilter
    ordering_fields = ["id", "scheduled_at"]  # not published_at: a cursor cannot pass a null

    def get_queryset(self) -> QuerySet:
        latest = Prefetch("metrics", queryset=Metric.objects.filter(is_latest=True), to_attr="latest_metric_rows")
        return super().get_queryset().select_related("variant").prefetch_related(latest)

    @extend_schema(responses=MetricSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def metrics(self, request: Request, pk: str) -> Response:
        """Every collection of the publication's metrics, in order: its series."""
        series = self.get_object().metrics.order_by("slot", "collected_at")
        return Response(MetricSerializer(series, many=True).data)


class MetricViewSet(ScopedReadViewSet):
    model = Metric
    serializer_class = MetricSerializer
    filterset_class = MetricFilter
    ordering_fields = ["id", "collected_at"]
