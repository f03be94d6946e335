"""The item page's repeats: preview and save a rule, schedule its remaining occurrences again, skip one. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import selectors
from campaigns.models import ContentItem
from campaigns.workflow import WorkflowError
from publishing import recurrence
from publishing.models import Publication, Recurrence, SocialAccount
from publishing.recurrence_forms import RepeatForm
from publishing.recurrence_selectors import repeat_section


@login_required
@require_POST
def item_repeat(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview a rule ("preview" button) or save it and schedule its occurrences."""
    item = selectors.item_for_user(request.user, pk)
    accounts = list(SocialAccount.objects.for_organisation(item.campaign.organisation).filter(is_active=True))
    form = RepeatForm(request.POST, item=item, accounts=accounts)
    if form.is_valid() and "save" in request.POST:
        try:
            publications = recurrence.schedule_recurring(item, request.user, form.rule(), form.chosen())
        except WorkflowError as refusal:
            return _page(request, item, form, refusal)
        messages.success(
            request,
            _("Repeats scheduled: %(n)s publications, each can be moved or skipped.") % {"n": len(publications)},
        )
        return redirect(reverse("item_detail", args=[item.pk]) + "#publications")
    return _page(request, item, form, status=200 if form.is_valid() else 400)


@login_required
@require_POST
def item_repeat_again(request: HttpRequest, pk: int) -> HttpResponse:
    """After a re-approval: schedule the remaining occurrences of the item's rules again."""
    item = selectors.item_for_user(request.user, pk)
    # The latest rule is the item's repeat; an older one was replaced by it.
    rule = Recurrence.objects.filter(item=item).order_by("-created_at").first()
    if rule is None:
        return _page(request, item, None, WorkflowError(_("This item does not repeat."), code="invalid", status=400))
    try:
        created = len(recurrence.reschedule_remaining(rule, request.user))
    except WorkflowError as refusal:
        return _page(request, item, None, refusal)
    messages.success(request, _("The remaining occurrences are scheduled again: %(n)s.") % {"n": created})
    return redirect(reverse("item_detail", args=[item.pk]) + "#publications")


@login_required
@require_POST
def publication_skip(request: HttpRequest, pk: int, publication_pk: int) -> HttpResponse:
    """Skip one occurrence of a recurring item; the others go on."""
    item = selectors.item_for_user(request.user, pk)
    publication = get_object_or_404(Publication.objects.filter(variant__item=item), pk=publication_pk)
    try:
        recurrence.skip_occurrence(publication, request.user)
    except WorkflowError as refusal:
        return _page(request, item, None, refusal)
    messages.success(request, _("Skipped. The other occurrences go on."))
    return redirect(reverse("item_detail", args=[item.pk]) + "#publications")


def _page(
    request: HttpRequest, item: ContentItem, form: RepeatForm | None, refusal: WorkflowError | None = None,
    status: int | None = None,
) -> HttpResponse:  # fmt: skip
    context = selectors.item_page(item, request.user) | {"repeat": repeat_section(item, request.user, form)}
    if refusal is not None:
        context["refusal"] = refusal
    return render(request, "campaigns/item_detail.html", context, status=refusal.status if refusal else status)
