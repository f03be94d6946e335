"""Reads for the campaign pages, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from campaigns import comments, correction_selectors, evidence_selectors, partner_selectors, workflow
from campaigns.checks import check_item, check_variant, has_errors
from campaigns.editing import check_can_edit
from campaigns.editor_forms import (
    AddVariantForm,
    CommentForm,
    DecisionForm,
    ItemForm,
    ScheduleForm,
    SourceFormSet,
    VariantForm,
)
from campaigns.library_selectors import LIBRARY_PURPOSE, thumbnail_url
from campaigns.models import Campaign, ContentItem, Membership, PartnerFeedback, Rendition, Role, Transition
from campaigns.review_diff import changes_since_last_approval
from campaigns.scoping import organisation_ids_of
from publishing import engagement, recurrence_selectors, releases, scheduling
from publishing.models import Publication, SocialAccount
from publishing.platform_rules import rules_for

ACTIVE_STATES = [s for s in ContentItem.State.values if s != ContentItem.State.ARCHIVED]


def campaigns_for_home(user: AbstractBaseUser) -> QuerySet[Campaign]:
    """The user's campaigns, current ones first, with counts of their items by state."""
    counts = {f"{state}_count": Count("items", filter=Q(items__state=state)) for state in ContentItem.State.values}
    return (
        Campaign.objects.for_user(user)
        .select_related("organisation")
        .annotate(item_count=Count("items", filter=Q(items__state__in=ACTIVE_STATES)), **counts)
        .order_by("organisation__name", "-priority", "start_date", "name")
    )


def memberships_of(user: AbstractBaseUser) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def campaign_for_user(user: AbstractBaseUser, pk: int) -> Campaign:
    """One campaign the user may see, or 404."""
    return get_object_or_404(Campaign.objects.for_user(user).select_related("organisation"), pk=pk)


def items_of(campaign: Campaign) -> QuerySet[ContentItem]:
    return (
        campaign.items.exclude(state=ContentItem.State.ARCHIVED)
        .select_related("author")
        .prefetch_related("variants")
        .order_by("state", "-updated_at")
    )


def item_for_user(user: AbstractBaseUser, pk: int) -> ContentItem:
    """One item the user may see, or 404."""
    queryset = ContentItem.objects.for_user(user).select_related("campaign__organisation", "author")
    return get_object_or_404(queryset, pk=pk)


def source_rows(item: ContentItem) -> list[dict[str, str]]:
    own = item.sources.filter(claim__isnull=True).order_by("pk")
    return [{"url": url, "title": title} for url, title in own.values_list("url", "title")]


def variants_with_feedback(item: ContentItem) -> list[dict[str, Any]]:
    """Each variant with its checks, its length as the platform counts it, and its media."""
    thumbnails = Prefetch(
        "attachments__asset__renditions",
        queryset=Rendition.objects.filter(purpose=LIBRARY_PURPOSE), to_attr="library_renditions",
    )  # fmt: skip
    variants = item.variants.prefetch_related("attachments__asset", thumbnails).order_by("platform", "language")
    rows = []
    for variant in variants:
        rules = rules_for(variant.platform)
        assets = [attachment.asset for attachment in variant.attachments.all()]
        for asset in assets:
            asset.thumbnail_url = thumbnail_url(asset)
        rows.append({
            "variant": variant,
            "assets": assets,
            "problems": check_variant(variant),
            "count": rules.count(variant.text),
            "limit": rules.text_limit,
        })  # fmt: skip
    return rows


def timeline(item: ContentItem) -> list[dict[str, Any]]:
    """Transitions and edits of the item, newest first."""
    entries = [
        {"at": t.created_at, "who": t.actor, "what": f"{t.get_from_state_display()} → {t.get_to_state_display()}",
         "action": t.action, "comment": t.comment}
        for t in Transition.objects.filter(item=item).select_related("actor")
    ]  # fmt: skip
    for record in item.history.select_related("history_user"):
        if record.history_type == "+" or (record.history_change_reason or "") == "Edited":
            what = "Created" if record.history_type == "+" else "Edited"
            entries.append(
                {"at": record.history_date, "who": record.history_user, "what": what, "action": "edit", "comment": ""}
            )
    return sorted(entries, key=lambda entry: entry["at"], reverse=True)


def schedule_form(item: ContentItem, data: Any = None) -> ScheduleForm:
    """The scheduling form, offering the organisation's active accounts and the next free slot."""
    accounts = list(SocialAccount.objects.for_organisation(item.campaign.organisation).filter(is_active=True))
    initial = {}
    best = engagement.best_times(item.campaign.organisation) if accounts else []
    slots = [slot for account in accounts if (slot := scheduling.next_free_slot(account, timezone.now(), best))]
    if item.planned_at and item.planned_at > timezone.now():
        initial["when"] = item.planned_at
    elif slots:
        initial["when"] = min(slots)
    upcoming = releases.upcoming_releases(item.campaign.organisation, timezone.now())
    return ScheduleForm(data, item=item, accounts=accounts, releases=upcoming, initial=initial)


def publications_of(item: ContentItem) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(variant__item=item)
        .select_related("variant", "account")
        .order_by("scheduled_at", "pk")
    )


def item_page(
    item: ContentItem, user: AbstractBaseUser, comment_form: Any = None, schedule_form: Any = None
) -> dict[str, Any]:
    approved_since, changes = changes_since_last_approval(item)
    problems = check_item(item)
    item_comments = list(item.comments.select_related("author"))
    return {
        "item": item,
        "variants": variants_with_feedback(item),
        "item_problems": [p for p in problems if p.variant_id is None],
        "has_errors": has_errors(problems),
        "moves": workflow.allowed_moves(item, user),
        "approvals": workflow.standing_approvals(item).select_related("manager"),
        "approvals_needed": workflow.approvals_needed(item),
        "comments": item_comments,
        "changeable_comments": comments.changeable(item_comments, user),
        "comment_form": comment_form or CommentForm(),
        "decision_form": DecisionForm(),
        "timeline": timeline(item),
        "approved_since": approved_since,
        "changes": changes,
        "can_edit": can_edit(item, user),
        "sources": item.sources.filter(claim__isnull=True).order_by("pk"),
        "evidence": evidence_selectors.panel(item, user),
        "publications": publications_of(item),
        "schedule_form": schedule_form or (_schedule_form_if_allowed(item, user)),
        "partner": partner_selectors.panel(item, user),
        "repeat": recurrence_selectors.repeat_section(item, user),
    } | correction_selectors.record_of(item, user)


def _schedule_form_if_allowed(item: ContentItem, user: AbstractBaseUser) -> ScheduleForm | None:
    if not any(move.action == "schedule" for move in workflow.allowed_moves(item, user)):
        return None
    return schedule_form(item)


def can_edit(item: ContentItem, user: AbstractBaseUser) -> bool:
    try:
        check_can_edit(item, user)
    except workflow.WorkflowError:
        return False
    return True


def editor_page(
    item: ContentItem, user: AbstractBaseUser, form: Any = None, sources: Any = None,
    variant_forms: dict[int, Any] | None = None, media_forms: dict[int, Any] | None = None, add_form: Any = None,
) -> dict[str, Any]:  # fmt: skip
    item.refresh_from_db()
    rows = variants_with_feedback(item)
    for row in rows:
        variant = row["variant"]
        row["form"] = (variant_forms or {}).get(variant.pk) or VariantForm(
            instance=variant, initial={"version": item.version}
        )
        row["media_failed"] = (media_forms or {}).get(variant.pk)  # the media form that was refused, if any
    return {
        "item": item,
        "form": form or ItemForm(instance=item, initial={"version": item.version}),
        "sources": sources or SourceFormSet(prefix="sources", initial=source_rows(item)),
        "variants": rows,
        "add_form": add_form or AddVariantForm(item=item),
        "evidence": evidence_selectors.panel(item, user),
        "can_edit": can_edit(item, user),
        "moves": workflow.allowed_moves(item, user),
    }


def review_queue(user: AbstractBaseUser) -> QuerySet[ContentItem]:
    """Items waiting for this manager's decision: alerts first, then the oldest submitted first."""
    managed = organisation_ids_of(user, [Role.MANAGER])
    mine = workflow.standing_approvals_by(user)
    return (
        ContentItem.objects.filter(campaign__organisation__in=managed, state=ContentItem.State.IN_REVIEW)
        .exclude(author=user)
        .exclude(pk__in=mine)
        .select_related("campaign__organisation", "author", "myth_response__myth", "correction_of__original")
        .annotate(
            is_alert=Case(When(kind=ContentItem.Kind.ALERT, then=Value(0)), default=Value(1)),
            submitted_at=Max("transitions__created_at", filter=Q(transitions__action="submit")),
            # A partner's mark is shown, never counted: the managers still decide (campaigns/partner_review.py).
            clinically_approved=Exists(
                PartnerFeedback.objects.filter(item=OuterRef("pk"), kind=PartnerFeedback.Kind.CLINICALLY_APPROVED)
            ),
        )
        .order_by("is_alert", "submitted_at", "pk")
    )


def approval_expired(user: AbstractBaseUser) -> QuerySet[ContentItem]:
    """Items whose planned time came before their approval: a person must re-plan or drop them."""
    return (
        ContentItem.objects.for_user(user)
        .filter(approval_expired_at__isnull=False, state__in=workflow.NOT_YET_APPROVED)
        .select_related("campaign", "author")
        .order_by("-approval_expired_at")
    )
