"""Telling people about the publications the engine could not settle (failed, expired, unconfirmed), and about
published ones with a note (a first comment not posted).

The author and the organisation's managers hear of it once per item and kind while the last such
notification is unread: a burst of 1,000 posts on a revoked account is one message, not 1,000.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from campaigns.models import ContentItem, Notification
from campaigns.notifications import managers_of, notify
from publishing.models import Publication

P = Publication.State
Kind = Notification.Kind
KIND_OF_STATE = {
    P.FAILED: Kind.PUBLICATION_FAILED,
    P.EXPIRED: Kind.PUBLICATION_EXPIRED,
    P.UNCONFIRMED: Kind.PUBLICATION_UNCONFIRMED,
    P.PUBLISHED: Kind.PUBLICATION_NOTED,
}
WHAT_HAPPENED = {
    P.FAILED: "failed",
    P.EXPIRED: "expired",
    P.UNCONFIRMED: "unconfirmed",
    P.PUBLISHED: "published with a note",
}


def tell_people(publication_ids: Iterable[int]) -> int:
    """Notify the author and managers of each item with publications needing a person; returns how many were told."""
    groups: dict[tuple[int, str], list[Publication]] = defaultdict(list)
    rows = (
        Publication.objects.filter(pk__in=list(publication_ids), state__in=list(KIND_OF_STATE))
        .exclude(state=P.PUBLISHED, notes="")
        .select_related("variant__item__campaign__organisation", "account")
    )
    for publication in rows:
        groups[(publication.variant.item_id, publication.state)].append(publication)
    told = 0
    for (_, state), publications in groups.items():
        item = publications[0].variant.item
        told += len(_tell(item, state, publications))
    return told


def _tell(item: ContentItem, state: str, publications: list[Publication]) -> list[Notification]:
    kind = KIND_OF_STATE[state]
    already_told = Notification.objects.filter(item=item, kind=kind, read_at__isnull=True).values_list(
        "recipient_id", flat=True
    )
    recipients = [
        p for p in [item.author, *managers_of(item.campaign.organisation)] if p and p.pk not in set(already_told)
    ]
    accounts = sorted({p.account.handle for p in publications})
    message = (
        f"“{item.title}” on {', '.join(accounts[:3])}: {len(publications)} publication(s) {WHAT_HAPPENED[state]}. "
        f"{publications[0].notes if state == P.PUBLISHED else publications[0].last_error}"
    )
    return notify(recipients, item, kind, message)
