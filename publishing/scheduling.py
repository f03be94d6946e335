"""The only place that changes a publication's state.

The scheduling and publishing engine (calendar, dispatcher, retries) grows here; for now it holds
what the review workflow needs: cancelling what has not gone out yet.
"""

from __future__ import annotations

from django.db.models import QuerySet

from campaigns.models import ContentItem
from publishing.models import Publication

# Not yet handed to a platform: these can still be stopped. A publication being sent right now
# ("publishing") is past that point and is settled by the engine.
PENDING_STATES = (Publication.State.SCHEDULED, Publication.State.QUEUED, Publication.State.RETRYING)


def pending_publications(item: ContentItem) -> QuerySet[Publication]:
    return Publication.objects.filter(variant__item=item, state__in=PENDING_STATES)


def cancel_pending_publications(item: ContentItem, reason: str) -> int:
    """Cancel every publication of `item` not yet handed to a platform; returns how many."""
    # A conditional update: a row the dispatcher claimed in the meantime is no longer pending and is left alone.
    return pending_publications(item).update(state=Publication.State.CANCELLED, last_error=reason[:1000])
