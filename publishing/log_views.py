"""The publication log: every publication and attempt, and the decisions only a person can make. Thin."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.workflow import WorkflowError
from publishing import scheduling
from publishing.models import Publication, PublicationAttempt
from publishing.platforms import Platform

LOG_PAGE_SIZE = 50


class LogFilter(forms.Form):
    state = forms.ChoiceField(choices=[("", "Any state"), *Publication.State.choices], required=False)
    platform = forms.ChoiceField(choices=[("", "Any platform"), *Platform.choices], required=False)
    q = forms.CharField(required=False, max_length=100)


@login_required
def publication_log(request: HttpRequest) -> HttpResponse:
    return _log_page(request)


def _log_page(request: HttpRequest, status: int = 200, error: str = "") -> HttpResponse:
    filters = LogFilter(request.GET or None)
    rows = (
        Publication.objects.for_user(request.user)
        .select_related("variant__item__campaign", "account")
        .prefetch_related(Prefetch("attempt_log", queryset=PublicationAttempt.objects.order_by("number")))
        .order_by("-scheduled_at", "-pk")
    )
    if filters.is_valid():
        data = filters.cleaned_data
        rows = rows.filter(state=data["state"]) if data["state"] else rows
        rows = rows.filter(account__platform=data["platform"]) if data["platform"] else rows
        rows = rows.filter(variant__item__title__icontains=data["q"]) if data["q"] else rows
    page = Paginator(rows, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    needs_person = Publication.objects.for_user(request.user).filter(state__in=scheduling.NEEDS_A_PERSON).count()
    context = {"page": page, "filters": filters, "needs_person": needs_person, "error": error}
    return render(request, "publishing/log.html", context, status=status)


@login_required
@require_POST
def publication_decide(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(
        Publication.objects.for_user(request.user).select_related("variant__item", "account"), pk=pk
    )
    try:
        if request.POST.get("decision") == "published":
            url = forms.URLField(assume_scheme="https").clean(request.POST.get("remote_url", ""))
            scheduling.confirm_published(publication, request.user, url)
            messages.success(request, _("Marked as published."))
        else:
            scheduling.retry_now(publication, request.user)
            messages.success(request, _("It will be sent again now."))
    except forms.ValidationError as error:
        return _log_page(request, 400, f"Address of the post: {error.messages[0]}")
    except WorkflowError as refusal:
        return _log_page(request, refusal.status, refusal.message)
    return redirect("publication_log")
