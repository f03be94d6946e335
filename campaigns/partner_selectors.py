"""Reads for partner review: the managers' panel on the item page, and what the partner's page shows."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from django.urls import reverse

from campaigns.models import ContentItem, PartnerFeedback, PartnerLink, PartnerLinkUse
from campaigns.partner_forms import PartnerLinkForm
from campaigns.partner_review import can_send, token_for
from campaigns.versions import content_hash

USES_SHOWN = 20


def panel(item: ContentItem, user: AbstractBaseUser, form: PartnerLinkForm | None = None) -> dict[str, Any] | None:
    """The item page's partner review section, for the organisation's managers; None for everyone else."""
    if not can_send(user, item):
        return None
    fingerprint = content_hash(item)
    links = list(
        item.partner_links.select_related("created_by", "revoked_by").prefetch_related(
            Prefetch("uses", queryset=PartnerLinkUse.objects.order_by("-at", "-pk"), to_attr="recent_uses")
        )
    )
    for link in links:
        link.live = link.is_live()
        link.path = _path(link) if link.live else ""
        link.recent_uses = link.recent_uses[:USES_SHOWN]
    return {"form": form or PartnerLinkForm(), "links": links, "feedback": feedback_of(item, fingerprint)}


def feedback_of(item: ContentItem, fingerprint: str | None = None) -> list[PartnerFeedback]:
    """The partners' feedback on the item, newest first, each marked `current` when it is about the content as it
    is now."""
    fingerprint = fingerprint or content_hash(item)
    feedback = list(PartnerFeedback.objects.filter(item=item).select_related("link"))
    for entry in feedback:
        entry.current = entry.content_hash == fingerprint
    return feedback


def partner_page(link: PartnerLink) -> dict[str, Any]:
    """What the partner reads: the item's variants as previews, its sources, and their own earlier feedback."""
    item = link.item
    variants = item.variants.prefetch_related("attachments__asset").order_by("platform", "language")
    return {
        "link": link,
        "item": item,
        "variants": [{"variant": v, "assets": [a.asset for a in v.attachments.all()]} for v in variants],
        "sources": item.sources.order_by("pk"),
        "own_feedback": list(link.feedback.all()),
    }


def partner_url(item_pk: int, token: str) -> str:
    """The address of a partner's page (relative)."""
    return reverse("partner_review", args=[item_pk, token])


def _path(link: PartnerLink) -> str:
    return partner_url(link.item_id, token_for(link))
