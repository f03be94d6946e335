"""What every API view shares: the organisation scope."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from rest_framework import viewsets


class ScopedReadViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail of `model`'s rows in the user's organisations (another organisation's: 404)."""

    model: type[Model]
    ordering_fields = ["id"]

    def get_queryset(self) -> QuerySet:
        return self.model.objects.for_user(self.request.user)
