"""Comments on items."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import CommentFilter
from api.serializers.content import CommentSerializer
from api.views.base import ScopedReadViewSet
from campaigns import comments
from campaigns.models import Comment


class CommentViewSet(mixins.CreateModelMixin, ScopedReadViewSet):
    """Comments on items; a new one goes through `campaigns.comments.add_comment` (mentions are told)."""

    model = Comment
    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    ordering = ["id"]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("author")

    def create(self, request: Request) -> Response:
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        comment = comments.add_comment(given.validated_data["item"], request.user, given.validated_data["body"])
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)
