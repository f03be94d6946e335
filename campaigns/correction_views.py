"""Correcting and retracting a published item: a page each, asking for the reason. Thin: form, one service, render.

A correction is drafted by campaigns/corrections.py and reviewed like any item; a retraction is carried out post by
post by publishing/retractions.py, which holds no transaction while the platforms are asked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaigns import corrections, selectors
from campaigns.correction_forms import CorrectionForm, RetractionForm
from campaigns.workflow import WorkflowError
from publishing import retractions


@login_required
def item_correct(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    form = CorrectionForm(request.POST or None)
    context = {"item": item, "form": form}
    try:
        corrections.check_can_correct(item, request.user)
        if request.method == "POST" and form.is_valid():
            correction = corrections.draft_correction(item, request.user, form.cleaned_data["reason"])
            messages.success(request, _("Correction drafted. Rewrite each variant, then submit it for review."))
            return redirect("item_edit", correction.pk)
    except WorkflowError as refusal:
        return render(request, "campaigns/item_correct.html", context | {"refusal": refusal}, status=refusal.status)
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/item_correct.html", context, status=status)


# Never in a request-wide transaction: the platforms are asked, post by post, with no transaction held.
@transaction.non_atomic_requests
@login_required
def item_retract(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    form = RetractionForm(request.POST or None)
    context = {
        "item": item, "form": form, "posts": retractions.published_posts(item),
        "can_correct": corrections.can_correct(item, request.user),
    }  # fmt: skip
    try:
        retractions.check_can_retract(item, request.user)
        if request.method == "POST" and form.is_valid():
            outcome = retractions.retract_item(item, request.user, form.cleaned_data["reason"])
            context |= {"outcome": outcome, "can_correct": corrections.can_correct(item, request.user)}
            return render(request, "campaigns/item_retracted.html", context)
    except WorkflowError as refusal:
        return render(request, "campaigns/item_retract.html", context | {"refusal": refusal}, status=refusal.status)
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/item_retract.html", context, status=status)
