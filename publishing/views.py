"""Pages of the publishing engine. Thin."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from publishing import health as engine_health


def health(request: HttpRequest) -> JsonResponse:
    """Liveness of the engine for monitors: 200 when healthy, 503 when something is late or silent."""
    report = engine_health.report()
    return JsonResponse(report.as_dict(), status=200 if report.healthy else 503)
