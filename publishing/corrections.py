"""How a correction goes out: as an answer to the original's post on the same account, where there is one.

campaigns/corrections.py drafts the correction and links it to the original; the correction is reviewed and
scheduled like any item. When one of its publications is sent, the adapter asks `original_post` what it answers
and, where the platform takes replies (`Adapter.supports_reply`), posts it as a reply to that post; otherwise,
or when the original never went to that account (or was retracted there), it is a new post.
"""

from __future__ import annotations

from campaigns.models import Correction
from publishing.models import Publication

P = Publication.State


def original_post(publication: Publication) -> Publication | None:
    """The original's published post on this publication's account, if its item is a correction; the one in the
    same language first, then the latest."""
    link = Correction.objects.filter(correction_id=publication.variant.item_id).only("original_id").first()
    if link is None:
        return None
    candidates = (
        Publication.objects.filter(variant__item_id=link.original_id, account_id=publication.account_id)
        .filter(state=P.PUBLISHED)
        .exclude(remote_id="")
        .select_related("variant")
        .order_by("-published_at", "-pk")
    )
    found = list(candidates[:20])
    same_language = [p for p in found if p.variant.language == publication.variant.language]
    return (same_language or found or [None])[0]
