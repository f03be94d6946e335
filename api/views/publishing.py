"""Connected accounts (paused, resumed, disconnected), publications (moved, sent again, confirmed) and metrics."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api import rows
from api.filters import AccountFilter, MetricFilter, PublicationFilter
from api.serializers.publishing import (
    AccountSerializer,
    DisconnectedSerializer,
    MetricSerializer,
    PublicationSerializer,
)
from api.serializers.writes import ConfirmSerializer, RescheduleSerializer
from api.views.base import ScopedReadViewSet, valid
from api.views.pausing import PausableMixin
from publishing import connecting, scheduling
from publishing.models import Metric, Publication, SocialAccount


class AccountViewSet(PausableMixin, ScopedReadViewSet):
    """Connected accounts: platform, handle and how they stand. Their credentials are never returned."""

    model = SocialAccount
    serializer_class = AccountSerializer
    filterset_class = AccountFilter
    scope_name = "account"

    @extend_schema(request=None, responses=DisconnectedSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def disconnect(self, request: Request, pk: str) -> Response:
        """Forget the account's credentials and switch it off (managers and admins); what was scheduled on it
        is cancelled. Connecting it again is done in the web app, where the platform asks for consent."""
        account = self.get_object()
        cancelled = connecting.disconnect(request.user, account)
        account.refresh_from_db()
        return Response(DisconnectedSerializer({"account": account, "cancelled_publications": cancelled}).data)


class PublicationViewSet(ScopedReadViewSet):
    model = Publication
    serializer_class = PublicationSerializer
    filterset_class = PublicationFilter
    ordering_fields = ["id", "scheduled_at"]  # not published_at: a cursor cannot pass a null

    def get_queryset(self) -> QuerySet:
        latest = Prefetch("metrics", queryset=Metric.objects.filter(is_latest=True), to_attr="latest_metric_rows")
        return super().get_queryset().select_related("variant").prefetch_related(latest)

    def list(self, request: Request) -> Response:
        fast = rows.fast_list(self, "publications", super().get_queryset())
        return fast if fast is not None else super().list(request)

    def _fresh(self, publication: Publication) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=publication.pk)).data)

    @extend_schema(responses=MetricSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def metrics(self, request: Request, pk: str) -> Response:
        """Every collection of the publication's metrics, in order: its series."""
        series = self.get_object().metrics.order_by("slot", "collected_at")
        return Response(MetricSerializer(series, many=True).data)

    @extend_schema(request=RescheduleSerializer, responses=PublicationSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reschedule(self, request: Request, pk: str) -> Response:
        """Move a publication that has not gone out yet to another time (editors, managers, admins)."""
        publication = self.get_object()
        when = valid(RescheduleSerializer, request)["when"]
        return self._fresh(scheduling.reschedule(publication, request.user, when))

    @extend_schema(request=None, responses=PublicationSerializer, filters=False)
    @action(detail=True, methods=["post"], url_path="retry-now", filter_backends=[])
    def retry_now(self, request: Request, pk: str) -> Response:
        """Send a failed, expired or unconfirmed publication again, now."""
        return self._fresh(scheduling.retry_now(self.get_object(), request.user))

    @extend_schema(request=ConfirmSerializer, responses=PublicationSerializer, filters=False)
    @action(detail=True, methods=["post"], url_path="confirm-published", filter_backends=[])
    def confirm_published(self, request: Request, pk: str) -> Response:
        """Say that an unconfirmed publication is on the platform, at the post's address (you checked it)."""
        publication = self.get_object()
        url = valid(ConfirmSerializer, request)["remote_url"]
        return self._fresh(scheduling.confirm_published(publication, request.user, url))


class MetricViewSet(ScopedReadViewSet):
    model = Metric
    serializer_class = MetricSerializer
    filterset_class = MetricFilter
    ordering_fields = ["id", "collected_at"]
