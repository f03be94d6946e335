"""The myth register's pages: the list, a myth with its responses and their engagement, the forms to record,
edit and answer a myth. Thin: forms, one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from campaigns import myth_selectors, myths
from campaigns.myth_forms import MythForm, RegisterFilterForm, RespondForm, source_formset, source_rows
from campaigns.workflow import WorkflowError


@login_required
@require_GET
def myth_list(request: HttpRequest) -> HttpResponse:
    filters = RegisterFilterForm(request.GET)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    page = myth_selectors.register_page(
        request.user, criteria.get("status", ""), criteria.get("q", ""), request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page, "filters": filters, "query": query.urlencode(),
        "can_record": myth_selectors.organisations_managed_by(request.user).exists(),
    }  # fmt: skip
    return render(request, "campaigns/myth_list.html", context)


@login_required
def myth_new(request: HttpRequest) -> HttpResponse:
    organisations = list(myth_selectors.organisations_managed_by(request.user))
    if not organisations:
        raise PermissionDenied("Editors, managers and admins keep the myth register.")
    form = MythForm(request.POST or None, organisations=organisations)
    sources = source_formset(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and sources.is_valid():
            try:
                myth = myths.record_myth(
                    form.cleaned_data["organisation"], request.user, form.fields_changed(), form.debunks(),
                    source_rows(sources),
                )  # fmt: skip
            except ValidationError as refusal:
                _add_model_errors(form, refusal)
            else:
                messages.success(request, _("Myth recorded."))
                return redirect("myth_detail", myth.pk)
        return render(request, "campaigns/myth_form.html", {"form": form, "sources": sources}, status=400)
    return render(request, "campaigns/myth_form.html", {"form": form, "sources": sources})


@login_required
@require_GET
def myth_detail(request: HttpRequest, pk: int) -> HttpResponse:
    myth = myth_selectors.myth_for_user(request.user, pk)
    responses = myth_selectors.responses_of(myth)
    context = {
        "myth": myth, "debunks": myth.debunks.all(), "sources": myth.sources.order_by("pk"),
        "responses": responses, "history": myth_selectors.status_history(myth),
        "can_manage": myths.can_manage_register(request.user, myth.organisation),
        "total_engagement": sum(r.engagement for r in responses),
        "total_impressions": sum(r.impressions for r in responses),
        "has_figures": any(r.has_figures for r in responses),
    }  # fmt: skip
    return render(request, "campaigns/myth_detail.html", context)


@login_required
def myth_edit(request: HttpRequest, pk: int) -> HttpResponse:
    myth = myth_selectors.myth_for_user(request.user, pk)
    if not myths.can_manage_register(request.user, myth.organisation):
        raise PermissionDenied("Editors, managers and admins keep the myth register.")
    form = MythForm(request.POST or None, organisations=[], myth=myth)
    sources = source_formset(request.POST or None, myth)
    if request.method == "POST":
        if form.is_valid() and sources.is_valid():
            try:
                myths.edit_myth(myth, request.user, form.fields_changed(), form.debunks(), source_rows(sources))
            except ValidationError as refusal:
                _add_model_errors(form, refusal)
            else:
                messages.success(request, _("Saved."))
                return redirect("myth_detail", myth.pk)
        context = {"form": form, "sources": sources, "myth": myth}
        return render(request, "campaigns/myth_form.html", context, status=400)
    return render(request, "campaigns/myth_form.html", {"form": form, "sources": sources, "myth": myth})


@login_required
def myth_respond(request: HttpRequest, pk: int) -> HttpResponse:
    myth = myth_selectors.myth_for_user(request.user, pk)
    if not myths.can_manage_register(request.user, myth.organisation):
        raise PermissionDenied("Editors, managers and admins answer myths.")
    form = RespondForm(request.POST or None, campaigns=myth_selectors.campaigns_to_answer_in(myth))
    languages = [debunk.get_language_display() for debunk in myth.debunks.all()]
    context = {"form": form, "myth": myth, "debunk_languages": languages}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = myths.respond(myth, data["campaign"], data["platforms"], request.user, data["title"])
            except WorkflowError as refusal:
                return render(
                    request, "campaigns/myth_respond.html", context | {"refusal": refusal}, status=refusal.status
                )
            except ValidationError as refusal:
                _add_model_errors(form, refusal)
            else:
                messages.success(request, _("Response drafted. Check each variant, then submit it for review."))
                return redirect("item_edit", item.pk)
        return render(request, "campaigns/myth_respond.html", context, status=400)
    return render(request, "campaigns/myth_respond.html", context)


def _add_model_errors(form: MythForm | RespondForm, refusal: ValidationError) -> None:
    """Put the service's refusals on the form's fields (a debunk's on the first debunk field)."""
    if not hasattr(refusal, "error_dict"):
        form.add_error(None, refusal)
        return
    for field, errors in refusal.error_dict.items():
        target = field if field in form.fields else None
        if field in ("debunks", "language", "text") and getattr(form, "languages", None):
            target = f"debunk_{form.languages[0]}"
        form.add_error(target, errors)
