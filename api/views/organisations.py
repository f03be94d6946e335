"""Organisations and members, read only (they are set up in the admin site), and pausing an organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from api.filters import MemberFilter
from api.serializers.organisations import MemberSerializer, OrganisationSerializer
from api.views.base import ScopedReadViewSet
from api.views.pausing import PausableMixin
from campaigns.models import Membership, Organisation


class OrganisationViewSet(PausableMixin, ScopedReadViewSet):
    """The user's organisations; `pause` and `resume` stop and restart all their publishing."""

    scope_name = "organisation"
    model = Organisation
    serializer_class = OrganisationSerializer
    ordering_fields = ["id", "name"]


class MemberViewSet(ScopedReadViewSet):
    """The memberships of the user's organisations: who (username, name) and their role."""

    model = Membership
    serializer_class = MemberSerializer
    filterset_class = MemberFilter

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("user")
