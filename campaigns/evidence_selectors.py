"""Reads for the evidence panel of an item and for the "Reviews expiring" page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from campaigns import evidence
from campaigns.editing import check_can_edit
from campaigns.evidence_forms import ClaimForm, ClaimSourceForm, ClaimTextForm, SignOffForm
from campaigns.models import ClinicalReview, ContentItem, Organisation
from campaigns.scoping import organisation_ids_of
from campaigns.workflow import WorkflowError
from publishing.models import Publication
from publishing.scheduling import PENDING_STATES

EXPIRING_WITHIN = dt.timedelta(days=30)


def panel(item: ContentItem, user: AbstractBaseUser, failed: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The item's claims with their sources and its clinical review, with the forms `user` may use; `failed` holds
    a refused form to show again with its errors (keyed "claim", "sign_off", "remove", or "claim-<pk>" /
    "source-<pk>")."""
    if not item.is_health_advice:
        return None
    failed = failed or {}
    try:
        check_can_edit(item, user)
        can_edit = True
    except WorkflowError:
        can_edit = False
    latest = ClinicalReview.objects.filter(item=item).first()
    standing = evidence.standing_review(item)
    today = item.campaign.organisation.today()
    may_sign = evidence.clinical_reviewer(user, item) is not None and item.author_id != user.pk
    rows = [
        {
            "claim": claim,
            "sources": claim.sources.all(),
            "text_form": failed.get(f"claim-{claim.pk}")
            or ClaimTextForm(prefix=f"claim-{claim.pk}", initial={"text": claim.text, "version": item.version}),
            "source_form": failed.get(f"source-{claim.pk}")
            or ClaimSourceForm(prefix=f"source-{claim.pk}", initial={"version": item.version}),
        }
        for claim in item.claims.prefetch_related("sources")
    ]
    return {
        "claims": rows,
        "can_edit": can_edit,
        "claim_form": failed.get("claim") or ClaimForm(prefix="claim", initial={"version": item.version}),
        "removal": failed.get("remove"),
        "review": latest,
        "review_stands": standing is not None and standing.covers(today),
        "review_expired": standing is not None and not standing.covers(today),
        "review_voided": latest is not None and standing is None,
        "sign_off_form": (failed.get("sign_off") or SignOffForm(prefix="review"))
        if may_sign and item.state != "archived"
        else None,
    }


def expiring_reviews(user: AbstractBaseUser) -> QuerySet[ClinicalReview]:
    """Standing reviews of the user's organisations that expire in the next 30 days (each organisation's today), and
    expired ones whose item still has publications waiting to go out; the soonest first."""
    waiting = Publication.objects.filter(variant__item=OuterRef("item"), state__in=PENDING_STATES)
    window = Q(pk__in=[])
    for organisation in Organisation.objects.filter(pk__in=organisation_ids_of(user)):
        today = organisation.today()
        window |= Q(item__campaign__organisation=organisation) & (
            Q(expires_on__gte=today, expires_on__lte=today + EXPIRING_WITHIN)
            | Q(expires_on__lt=today, has_waiting=True)
        )
    return (
        ClinicalReview.objects.filter(voided_at__isnull=True)
        .exclude(item__state=ContentItem.State.ARCHIVED)
        .annotate(has_waiting=Exists(waiting))
        .filter(window)
        .select_related("item__campaign__organisation")
        .order_by("expires_on", "pk")
    )
