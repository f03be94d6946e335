"""Comments on items: written by members, edited and removed by their authors (`campaigns/comments.py`)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import CommentFilter
from api.serializers.content import CommentEditSerializer, CommentSerializer
from api.views.base import ScopedReadViewSet, valid
from campaigns import comments
from campaigns.models import Comment


class CommentViewSet(mixins.CreateModelMixin, ScopedReadViewSet):
    """Comments on items; a new one goes through `campaigns.comments.add_comment` (mentions are told)."""

    model = Comment
    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    ordering = ["id"]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("author", "item__campaign__organisation")

    def create(self, request: Request) -> Response:
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        comment = comments.add_comment(given.validated_data["item"], request.user, given.validated_data["body"])
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CommentEditSerializer, responses=CommentSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change the text of your own comment (only its author may); it is then shown as edited."""
        comment = self.get_object()
        body = valid(CommentEditSerializer, request)["body"]
        return Response(self.get_serializer(comments.edit_comment(comment, request.user, body)).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        """Remove your own comment (only its author may); its history keeps what it said."""
        comments.delete_comment(self.get_object(), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
