"""A myth is answered once one of its responses is published: the publishing engine's move of the response to
published (campaigns/workflow.py) calls `mark_answered`, in the same transaction.

A retired myth stays retired: the register no longer follows it, and a late response does not bring it back; a
person can still mark it answered on its page."""

from __future__ import annotations

from django.db import transaction

from audit import events
from campaigns.models import ContentItem, Myth, MythResponse

Status = Myth.Status
# The statuses a published response turns into "answered".
ANSWERABLE = (Status.CIRCULATING, Status.DORMANT)


def mark_answered(item: ContentItem) -> Myth | None:
    """If `item` answers a myth still circulating or dormant, the myth is now answered; the myth, or None."""
    response = MythResponse.objects.filter(item=item).only("myth_id").first()
    if response is None:
        return None
    with transaction.atomic():
        myth = Myth.objects.select_for_update().get(pk=response.myth_id)
        if myth.status not in ANSWERABLE:
            return myth
        before, myth.status = myth.status, Status.ANSWERED
        myth._change_reason = "Answered: a response was published"
        myth.save(update_fields=["status", "updated_at"])
        events.record(
            myth.organisation_id, None, "myth.answered", "myth", myth.pk, myth.claim,
            {"status": [before, myth.status], "item": item.pk},
        )  # fmt: skip
    return myth
