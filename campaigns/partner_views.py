"""Partner review pages: the managers' side on the item page, and the partner's own page, reached without an
account through a signed link. Thin: the rules are campaigns/partner_review.py's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from campaigns import partner_review, partner_selectors, selectors
from campaigns.partner_forms import PartnerFeedbackForm, PartnerLinkForm
from campaigns.partner_review import LinkRefused, Use, Visit
from campaigns.partner_selectors import partner_url
from campaigns.workflow import WorkflowError


@login_required
@require_POST
def partner_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    form = PartnerLinkForm(request.POST)
    refusal = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            link, token = partner_review.create_link(
                item, request.user, data["partner_name"], data["partner_email"], data["days_valid"]
            )
        except WorkflowError as error:
            refusal = error
        else:
            partner_review.send_invitation(link, request.build_absolute_uri(partner_url(item.pk, token)))
            messages.success(
                request,
                _("A review link was e-mailed to %(name)s; it works until %(date)s.")
                % {"name": link.partner_name, "date": f"{link.expires_at:%Y-%m-%d %H:%M} UTC"},
            )
            return redirect(reverse("item_detail", args=[item.pk]) + "#partner-review")
    context = selectors.item_page(item, request.user)
    context["partner"] = partner_selectors.panel(item, request.user, form=form)
    return render(request, "campaigns/item_detail.html", context | {"refusal": refusal},
                  status=refusal.status if refusal else 400)  # fmt: skip


@login_required
@require_POST
def partner_link_revoke(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    link = get_object_or_404(item.partner_links, pk=link_pk)
    try:
        partner_review.revoke_link(link, request.user)
    except WorkflowError as refusal:
        context = selectors.item_page(item, request.user) | {"refusal": refusal}
        return render(request, "campaigns/item_detail.html", context, status=refusal.status)
    messages.success(request, _("The link of %(name)s no longer works.") % {"name": link.partner_name})
    return redirect(reverse("item_detail", args=[item.pk]) + "#partner-review")


@never_cache
@require_http_methods(["GET", "POST"])
def partner_page(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The partner's page: the item's preview, a comment form and a "clinically approved" button; no login."""
    visit = Visit(request.META.get("REMOTE_ADDR") or None, request.headers.get("User-Agent", ""))
    try:
        link = partner_review.verify(token, pk, visit)
    except LinkRefused as refusal:
        return _private(render(request, "campaigns/partner_refused.html", {"refusal": refusal}, status=refusal.status))
    form = PartnerFeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                partner_review.leave_feedback(link, form.cleaned_data["kind"], form.cleaned_data["body"], visit)
            except WorkflowError as refusal:
                form.add_error("body" if refusal.code in ("comment_required", "too_long") else None, refusal.message)
            else:
                messages.success(request, _("Thank you: the team has your feedback."))
                return _private(redirect(partner_url(pk, token)))
        partner_review.record_use(link, Use.REFUSED, visit)
        status = 400
    else:
        partner_review.record_use(link, Use.VIEWED, visit)
    context = partner_selectors.partner_page(link) | {"form": form}
    return _private(render(request, "campaigns/partner_review.html", context, status=status))


def _private(response: HttpResponse) -> HttpResponse:
    # The token is the key: no other site may see it in a Referer, and no search engine may keep the page. Not
    # "no-referrer": browsers then send "Origin: null" with the page's own form, which the CSRF check refuses.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
