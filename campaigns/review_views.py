"""The review queue and the notifications inbox. Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns import selectors
from campaigns.models import Notification
from campaigns.notifications import mark_read

NOTIFICATIONS_PER_PAGE = 30


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    context = {
        "items": list(selectors.review_queue(request.user)),
        "expired": list(selectors.approval_expired(request.user)),
    }
    return render(request, "campaigns/review_queue.html", context)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    inbox = Notification.objects.filter(recipient=request.user).select_related("item")
    page = Paginator(inbox, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "campaigns/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    ids = request.POST.getlist("id")
    mark_read(request.user, [int(i) for i in ids if i.isdigit()] if ids else None)
    return redirect("notifications")
