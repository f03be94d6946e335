"""The readiness probe; the health probe is the publishing engine's (publishing/views.py). Thin."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from planner import probes


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """200 when this process can serve (database reachable, migrations applied), else 503; JSON per check."""
    ok, checks = probes.readiness()
    body = {"ready": ok, "checks": {name: check.as_dict() for name, check in checks.items()}}
    return JsonResponse(body, status=200 if ok else 503)
