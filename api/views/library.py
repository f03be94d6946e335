"""The media library, read only for now (uploads stay on the library page)."""

from __future__ import annotations

from api.filters import MediaFilter
from api.serializers.media import MediaSerializer
from api.views.base import ScopedReadViewSet
from campaigns.models import MediaAsset


class MediaViewSet(ScopedReadViewSet):
    model = MediaAsset
    serializer_class = MediaSerializer
    filterset_class = MediaFilter
    ordering_fields = ["id", "created_at", "title"]
