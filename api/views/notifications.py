"""The user's own notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from api.filters import NotificationFilter
from api.serializers.review import NotificationSerializer
from api.views.base import ScopedReadViewSet
from campaigns.models import Notification


class NotificationViewSet(ScopedReadViewSet):
    model = Notification
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self) -> QuerySet:
        # Not `for_user`: a notification is its recipient's whatever its item (some have none, which the
        # organisation path through the item would drop). The inbox page reads them the same way.
        user = self.request.user
        return Notification.objects.filter(recipient=user) if user.is_authenticated else Notification.objects.none()
