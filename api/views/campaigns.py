"""Campaigns: read, set up (managers and admins), pause and resume their publishing, their report, and cards."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.reports import campaign_report
from api.filters import CampaignFilter
from api.serializers.content import CampaignSerializer
from api.serializers.media import MediaSerializer
from api.serializers.reports import ReportSerializer
from api.serializers.writes import CampaignUpdateSerializer, CampaignWriteSerializer, CardsSerializer
from api.views.base import ScopedReadViewSet, valid
from api.views.pausing import PausableMixin
from campaigns import campaign_setup, card_making
from campaigns.cards import CardText
from campaigns.models import Campaign


class CampaignViewSet(PausableMixin, ScopedReadViewSet):
    """Campaigns; `pause` and `resume` stop and restart their publishing."""

    scope_name = "campaign"
    model = Campaign
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    ordering_fields = ["id", "start_date", "name", "priority"]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("organisation")

    @extend_schema(request=CampaignWriteSerializer, responses={201: CampaignSerializer})
    def create(self, request: Request) -> Response:
        """Set up a campaign (managers and admins of its organisation), validated as the admin site validates it."""
        fields = valid(CampaignWriteSerializer, request)
        campaign = campaign_setup.create_campaign(fields.pop("organisation"), request.user, fields)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CampaignUpdateSerializer, responses=CampaignSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change some of a campaign's fields (managers and admins)."""
        campaign = self.get_object()
        changes = valid(CampaignUpdateSerializer, request, partial=True)
        return Response(CampaignSerializer(campaign_setup.update_campaign(campaign, request.user, changes)).data)

    @extend_schema(responses=ReportSerializer, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def report(self, request: Request, pk: str) -> Response:
        """The campaign report's figures: totals, tables per platform, kind and language, weeks, targets."""
        report = campaign_report(self.get_object(), request.user, with_charts=False)
        return Response(ReportSerializer(report).data)

    @extend_schema(request=CardsSerializer, responses={201: MediaSerializer(many=True)}, filters=False)
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def cards(self, request: Request, pk: str) -> Response:
        """Make a health card in each shape asked (every member role may), as the card page does; answers the assets."""
        campaign = self.get_object()
        given = valid(CardsSerializer, request)
        text = CardText(given["title"], given["figure"], given["line"])
        assets = card_making.make_cards(campaign, request.user, given["language"], text, given["shapes"])
        data = MediaSerializer(assets, many=True, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)
