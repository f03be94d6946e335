"""The media library: read, upload (through the intake that checks and normalises files), describe, and where used."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import MediaFilter
from api.serializers.media import MediaSerializer, UsageSerializer
from api.serializers.writes import MediaEditSerializer, MediaUploadSerializer
from api.views.base import ScopedReadViewSet, valid
from campaigns import library, library_selectors
from campaigns.models import MediaAsset


class MediaViewSet(ScopedReadViewSet):
    model = MediaAsset
    serializer_class = MediaSerializer
    filterset_class = MediaFilter
    ordering_fields = ["id", "created_at", "title"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request={"multipart/form-data": MediaUploadSerializer}, responses={201: MediaSerializer})
    def create(self, request: Request) -> Response:
        """Upload a file to an organisation's library (the same upload again answers the asset it made)."""
        given = valid(MediaUploadSerializer, request)
        asset = library.upload_to_library(given["organisation"], request.user, given["file"], given["title"])
        return Response(self.get_serializer(asset).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MediaEditSerializer, responses=MediaSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Describe an asset: title, alt text per language, tags, campaign, focal point."""
        asset = library.edit_asset(self.get_object(), request.user, valid(MediaEditSerializer, request, partial=True))
        return Response(self.get_serializer(asset).data)

    @extend_schema(responses=UsageSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], url_path="used-in", pagination_class=None, filter_backends=[])
    def used_in(self, request: Request, pk: str) -> Response:
        """The variants that use the asset, with their items and campaigns (the asset page's "Used in")."""
        usage = library_selectors.usage_of(self.get_object())
        return Response(UsageSerializer(usage, many=True).data)
