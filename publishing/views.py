"""Pages of the publishing engine. Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campaigns.models import MediaAsset
from publishing import health as engine_health
from publishing import media_urls
from publishing.models import Heartbeat, Publication


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For monitors: 200 when the database and the broker answer and the engine is alive and on time, else 503;
    `checks` says which is which."""
    healthy, body = engine_health.probe()
    return JsonResponse(body, status=200 if healthy else 503)


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


@require_safe
def public_media(request: HttpRequest, token: str) -> HttpResponse:
    """The file of the one asset a signed address names, without a login: 404 if not ours, 410 once expired."""
    try:
        asset, convert, platform = media_urls.address_for(token)
    except media_urls.ExpiredAddress:
        return HttpResponse("This address has expired.", status=410, content_type="text/plain")
    except MediaAsset.DoesNotExist:
        raise Http404("No such media.") from None
    media = media_urls.rendition_file(asset, platform)  # the original for "" (no platform) and for videos
    try:
        file = media.file.open("rb")
    except OSError:
        raise Http404("No such media.") from None
    if convert and media.mime_type != "image/jpeg":
        with file:
            try:
                response = HttpResponse(media_urls.as_jpeg(file), content_type="image/jpeg")
            except (OSError, ValueError):
                raise Http404("No such media.") from None
    else:
        response = FileResponse(file, content_type=media.mime_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"  # the address is the permission: no shared cache keeps it
    return response
