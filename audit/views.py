"""The audit page and its CSV export: an organisation's admins see who did what and when. Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import export, trail

AUDIT_PAGE_SIZE = 50


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    audited = trail.check_may_audit(request.user)
    filters = trail.EventFilter(request.GET or None, audited=audited)
    if request.GET and not filters.is_valid():
        return render(request, "audit/events.html", {"filters": filters, "page": None}, status=400)
    events = trail.filtered_events(audited, filters.cleaned_data if request.GET else {})
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "filtering": any(v for k, v in request.GET.items() if k != "page")}
    return render(request, "audit/events.html", context)


@login_required
@require_GET
def event_export(request: HttpRequest) -> HttpResponse:
    audited = trail.check_may_audit(request.user)
    filters = trail.EventFilter(request.GET, audited=audited)
    if not filters.is_valid():
        problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in filters.errors.items())
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    events = trail.filtered_events(audited, filters.cleaned_data)
    response = StreamingHttpResponse(export.csv_lines(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.now():%Y%m%d-%H%M}.csv"'
    return response
