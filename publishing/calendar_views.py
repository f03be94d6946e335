"""The calendar: month, week and list pages, their data as JSON, and moving a chip. Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from analytics.exports import csv_lines
from campaigns import observances, plan_export
from campaigns.scoping import role_in
from campaigns.workflow import PLANNING_ROLES, WorkflowError
from people.preferences import own_zone_name, zone_for
from publishing import calendar, calendar_layout, scheduling
from publishing.calendar_forms import CalendarQuery, MoveForm
from publishing.models import Publication
from publishing.platforms import Platform

CSV_TYPE = "text/csv; charset=utf-8"


@login_required
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The month grid, the week of hours or the list of days, filtered; a bad parameter answers 400 but still shows."""
    query = CalendarQuery(request.GET)
    found = calendar.calendar_for(request.user, query.params(), own_zone_name(request))
    if found is None:
        return render(request, "publishing/calendar.html", {"query": query, "no_organisation": True})
    organisation, span = found.organisation, found.span
    today = timezone.localdate(timezone=found.zone)
    entries = calendar_layout.chips(found)
    previous, following = calendar_layout.neighbours(span)
    # `publishing_paused`, for the banner, comes from the freezes context processor.
    context = {
        "calendar": found, "query": query, "span": span, "today": today, "previous": previous, "following": following,
        "campaigns": calendar.campaigns_of(request.user, organisation), "platforms": Platform.choices,
        "states": Publication.State.choices, "languages": organisation.languages,
    }  # fmt: skip
    if span.view == "week":
        context["days"], context["hours"] = calendar_layout.week_hours(span, entries, today)
        shown = context["days"]
    elif span.view == "list":
        context["page"] = calendar_layout.list_page(span, entries, today, request.GET.get("page"))
        shown = list(context["page"])
    else:
        context["weeks"] = calendar_layout.month_weeks(span, entries, today)
        shown = [day for week in context["weeks"] for day in week]
    if shown:
        by_day = observances.on_days(organisation, shown[0].date, shown[-1].date)
        calendar_layout.mark_observances(shown, by_day)
    return render(request, "publishing/calendar.html", context, status=400 if query.errors else 200)


@login_required
@require_GET
def calendar_data(request: HttpRequest) -> JsonResponse:
    """The publications of the asked view as JSON, for the page's script."""
    query = CalendarQuery(request.GET)
    params = query.params()
    if query.errors:
        return JsonResponse({"errors": query.errors.get_json_data()}, status=400)
    found = calendar.calendar_for(request.user, params, own_zone_name(request))
    if found is None:
        raise Http404("You are not a member of any organisation.")
    return JsonResponse(calendar.as_json(found))


@login_required
@require_GET
def calendar_export(request: HttpRequest) -> HttpResponse:
    """The items of the asked view, with its filters, as a plan in CSV that imports back (campaigns/plan_export.py)."""
    query = CalendarQuery(request.GET)
    params = query.params()
    if query.errors:
        return JsonResponse({"errors": query.errors.get_json_data()}, status=400)
    found = calendar.span_for(request.user, params, own_zone_name(request))
    if found is None:
        raise Http404("You are not a member of any organisation.")
    organisation, span = found
    items = plan_export.calendar_items(request.user, organisation, span.start, span.end, params.filters)
    response = StreamingHttpResponse(csv_lines(plan_export.plan_rows(items, organisation)), content_type=CSV_TYPE)
    name = f"plan-{organisation.slug}-{span.first:%Y-%m-%d}-{span.last:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def move_publication(request: HttpRequest, pk: int) -> JsonResponse:
    """Reschedule a publication to the local time it was dropped on."""
    publication = calendar.publication_for(request.user, pk)
    organisation = publication.account.organisation
    if role_in(request.user, organisation) not in PLANNING_ROLES:
        return JsonResponse({"error": _("Only editors, managers and admins can move publications.")}, status=403)
    zone = zone_for(request, organisation)
    form = MoveForm(request.POST, zone=zone)
    if not form.is_valid():
        return JsonResponse(form.refusal(), status=400)
    try:
        moved = scheduling.reschedule(publication, request.user, form.cleaned_data["when"])
    except WorkflowError as refusal:
        return JsonResponse({"error": refusal.message, "code": refusal.code}, status=refusal.status)
    return JsonResponse(calendar.entry_of(moved, zone))
