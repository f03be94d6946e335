"""The evidence panel's actions (claims, their sources, the clinical sign-off) and the "Reviews expiring" page. Thin:
each form calls one service; a refusal shows the item page again with the form's errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import editing, evidence, evidence_selectors, selectors
from campaigns.evidence_forms import ClaimForm, ClaimSourceForm, ClaimTextForm, SignOffForm, VersionForm
from campaigns.models import ContentItem
from campaigns.workflow import WorkflowError

REVIEWS_PER_PAGE = 25


@login_required
@require_POST
def claim_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    form = ClaimForm(request.POST, prefix="claim")
    return _run(request, item, form, "claim", lambda data: editing.add_claim(
        item, request.user, data["version"], data["text"], (data["url"], data["title"], data["kind"])
    ), _("Claim added."))  # fmt: skip


@login_required
@require_POST
def claim_edit(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    claim = get_object_or_404(item.claims, pk=claim_pk)
    form = ClaimTextForm(request.POST, prefix=f"claim-{claim.pk}")
    return _run(request, item, form, f"claim-{claim.pk}", lambda data: editing.edit_claim(
        claim, request.user, data["version"], data["text"]
    ), _("Claim saved."))  # fmt: skip


@login_required
@require_POST
def claim_remove(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    claim = get_object_or_404(item.claims, pk=claim_pk)
    form = VersionForm(request.POST)
    return _run(request, item, form, "remove", lambda data: editing.remove_claim(
        claim, request.user, data["version"]
    ), _("Claim removed."))  # fmt: skip


@login_required
@require_POST
def claim_source_add(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    claim = get_object_or_404(item.claims, pk=claim_pk)
    form = ClaimSourceForm(request.POST, prefix=f"source-{claim.pk}")
    return _run(request, item, form, f"source-{claim.pk}", lambda data: editing.add_claim_source(
        claim, request.user, data["version"], data["url"], data["title"], data["kind"]
    ), _("Source added."))  # fmt: skip


@login_required
@require_POST
def claim_source_remove(request: HttpRequest, pk: int, claim_pk: int, source_pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    source = get_object_or_404(item.sources, pk=source_pk, claim_id=claim_pk)
    form = VersionForm(request.POST)
    return _run(request, item, form, "remove", lambda data: editing.remove_claim_source(
        source, request.user, data["version"]
    ), _("Source removed."))  # fmt: skip


@login_required
@require_POST
def clinical_review_sign(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    form = SignOffForm(request.POST, prefix="review")
    if form.is_valid():
        try:
            evidence.sign_off(item, request.user, form.cleaned_data["expires_on"], form.cleaned_data["note"])
        except evidence.EvidenceError as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            return _item_page(request, item, {"sign_off": form}, refusal.status)
        messages.success(request, _("Clinical review signed."))
        return redirect(reverse("item_detail", args=[item.pk]) + "#evidence")
    return _item_page(request, item, {"sign_off": form}, 400)


@login_required
def reviews_expiring(request: HttpRequest) -> HttpResponse:
    page = Paginator(evidence_selectors.expiring_reviews(request.user), REVIEWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for review in page:
        review.days_left = (review.expires_on - review.item.campaign.organisation.today()).days
        review.is_expired = review.days_left < 0
    return render(request, "campaigns/reviews_expiring.html", {"page": page})


def _run(request: HttpRequest, item: ContentItem, form: forms.Form, key: str, action: Any, done: str) -> HttpResponse:
    if not form.is_valid():
        return _item_page(request, item, {key: form}, 400)
    try:
        action(form.cleaned_data)
    except WorkflowError as refusal:
        form.add_error(None, refusal.message)
        return _item_page(request, item, {key: form}, refusal.status)
    except ValidationError as error:
        _add_errors(form, error)
        return _item_page(request, item, {key: form}, 400)
    messages.success(request, done)
    return redirect(reverse("item_detail", args=[item.pk]) + "#evidence")


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """The model's errors on the form's fields where it has them (a claim's text, a source's address), else on the
    form as a whole."""
    for field, messages_ in getattr(error, "message_dict", {NON_FIELD_ERRORS: error.messages}).items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def _item_page(request: HttpRequest, item: ContentItem, failed: dict[str, Any], status: int) -> HttpResponse:
    item.refresh_from_db()
    context = selectors.item_page(item, request.user) | {
        "evidence": evidence_selectors.panel(item, request.user, failed)
    }
    return render(request, "campaigns/item_detail.html", context, status=status)
