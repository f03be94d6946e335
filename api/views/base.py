"""What every API view shares: the organisation scope."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from rest_framework import viewsets
from rest_framework.request import Request


class ScopedReadViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail of `model`'s rows in the user's organisations (another organisation's: 404)."""

    model: type[Model]
    ordering_fields = ["id"]

    def get_queryset(self) -> QuerySet:
        return self.model.objects.for_user(self.request.user)


def valid(serializer_class: type, request: Request, **kwargs: object) -> dict:
    """The request's body checked against `serializer_class` (400 with per-field errors otherwise)."""
    given = serializer_class(data=request.data, context={"request": request}, **kwargs)
    given.is_valid(raise_exception=True)
    return dict(given.validated_data)
