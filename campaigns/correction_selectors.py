"""Reads for an item's record of corrections and retractions: what it corrects, what corrects it, what was taken
down, who decided and when. Shown on the item page for as long as the item exists."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from campaigns.corrections import can_correct
from campaigns.models import ContentItem, Correction
from publishing.retractions import can_retract, retractions_of


def record_of(item: ContentItem, user: AbstractBaseUser) -> dict[str, Any]:
    """The item page's part about corrections and retractions, and whether `user` may start either."""
    return {
        "correction_of": Correction.objects.filter(correction=item).select_related("original", "decided_by").first(),
        "corrections": list(
            Correction.objects.filter(original=item).select_related("correction", "decided_by").order_by("decided_at")
        ),
        "retractions": retractions_of(item),
        "can_correct": can_correct(item, user),
        "can_retract": can_retract(item, user),
    }
