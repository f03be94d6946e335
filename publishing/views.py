"""Pages of the publishing engine. Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from publishing import health as engine_health
from publishing.models import Heartbeat, Publication


def health(request: HttpRequest) -> JsonResponse:
    """Liveness of the engine for monitors: 200 when healthy, 503 when something is late or silent."""
    report = engine_health.report()
    return JsonResponse(report.as_dict(), status=200 if report.healthy else 503)


@login_required
def status(request: HttpRequest) -> HttpResponse:
    """The engine's health for people: last dispatcher tick, queues, what is overdue in their organisations."""
    report = engine_health.report()
    overdue = (
        Publication.objects.for_user(request.user)
        .filter(state__in=engine_health.WAITING_STATES, scheduled_at__lt=report.now - engine_health.OVERDUE_AFTER)
        .exclude(next_attempt_at__gt=report.now)
        .select_related("variant__item", "account")
        .order_by("scheduled_at")[:50]
    )
    heartbeats = Heartbeat.objects.order_by("name")
    return render(request, "publishing/status.html", {"report": report, "overdue": overdue, "heartbeats": heartbeats})
