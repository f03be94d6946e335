"""The user's own notifications."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import NotificationFilter
from api.serializers.review import MarkedReadSerializer, MarkReadSerializer, NotificationSerializer
from api.views.base import ScopedReadViewSet, valid
from campaigns.models import Notification
from campaigns.notifications import mark_read


class NotificationViewSet(ScopedReadViewSet):
    """The caller's own notifications, newest first; `read` marks them read."""

    model = Notification
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self) -> QuerySet:
        # Not `for_user`: a notification is its recipient's whatever its item (some have none, which the
        # organisation path through the item would drop). The inbox page reads them the same way.
        user = self.request.user
        return Notification.objects.filter(recipient=user) if user.is_authenticated else Notification.objects.none()

    @extend_schema(request=MarkReadSerializer, responses=MarkedReadSerializer, filters=False)
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def read(self, request: Request) -> Response:
        """Mark your unread notifications read: those of `ids`, or all of them when `ids` is left out."""
        ids = valid(MarkReadSerializer, request).get("ids")
        return Response(MarkedReadSerializer({"marked": mark_read(request.user, ids)}).data)
