"""`pause` and `resume` for a scope of publishing: an organisation, a campaign or an account (`publishing/freezes.py`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.publishing import FreezeSerializer, ResumedSerializer
from api.serializers.writes import PauseSerializer
from api.views.base import valid
from campaigns.models import Organisation
from campaigns.workflow import WorkflowError
from publishing import freezes


class PausableMixin:
    """Adds the two actions to a viewset whose object is a scope of publishing."""

    scope_name: str  # "organisation", "campaign" or "account", as the freeze's fields say

    def _scope(self, obj: Model) -> tuple[Organisation, dict[str, Any]]:
        """The organisation of `obj`, and the freeze fields that name `obj` (none for a whole organisation)."""
        if self.scope_name == "organisation":
            return obj, {}
        return obj.organisation, {self.scope_name: obj}

    @extend_schema(request=PauseSerializer, responses={201: FreezeSerializer}, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def pause(self, request: Request, pk: str) -> Response:
        """Pause publishing at once (a freeze; managers and admins). A reason is required: everyone sees it."""
        organisation, scope = self._scope(self.get_object())
        reason = valid(PauseSerializer, request)["reason"]
        freeze = freezes.start_freeze(organisation, request.user, reason, **scope)
        return Response(FreezeSerializer(freeze).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ResumedSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def resume(self, request: Request, pk: str) -> Response:
        """Lift the pauses of this scope. What they held goes back to review: nothing is sent on its own."""
        organisation, scope = self._scope(self.get_object())
        paused = freezes.active_freezes(organisation)
        if not scope:  # the organisation's own pauses, not its campaigns' or accounts'
            paused = paused.filter(campaign__isnull=True, account__isnull=True)
        paused = list(paused.filter(**scope))
        if not paused:
            raise WorkflowError(
                _("This %(scope)s's publishing is not paused.") % {"scope": self.scope_name},
                code="wrong_state", status=409,
            )  # fmt: skip
        lifted = [freezes.lift_freeze(freeze, request.user) for freeze in paused]
        resumed = {
            "lifted": [result.freeze for result in lifted],
            "held_items": sorted({item.pk for result in lifted for item in result.held_items}),
            "overdue_items": sorted({item.pk for result in lifted for item in result.overdue_items}),
        }
        return Response(ResumedSerializer(resumed).data)
