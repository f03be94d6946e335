"""A coordinated release's page, and moving it. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaigns.workflow import WorkflowError
from publishing import releases, scheduling
from publishing.calendar_forms import MoveForm
from publishing.models import Release


@login_required
@require_GET
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    release = get_object_or_404(Release.objects.for_user(request.user).select_related("organisation"), pk=pk)
    return _page(request, release)


@login_required
@require_POST
def release_move(request: HttpRequest, pk: int) -> HttpResponse:
    release = get_object_or_404(Release.objects.for_user(request.user).select_related("organisation"), pk=pk)
    form = MoveForm(request.POST, zone=timezone.get_current_timezone())
    if not form.is_valid():
        return _page(request, release, refusal=form.refusal()["error"], status=400)
    try:
        scheduling.move_release(release, request.user, form.cleaned_data["when"])
    except WorkflowError as refusal:
        return _page(request, release, refusal=refusal.message, status=refusal.status)
    messages.success(request, _("Moved: all its publications go out at the new time."))
    return redirect("release_detail", release.pk)


def _page(request: HttpRequest, release: Release, refusal: str = "", status: int = 200) -> HttpResponse:
    context = {"view": releases.release_view(release), "refusal": refusal}
    return render(request, "publishing/release.html", context, status=status)
