"""A variant's first comment, posted under its post once the post is made (Facebook, Instagram, Threads).

The comment is the last step of `publish`, after the post's own reply: it is never sent while the post's
outcome is unknown. A lost reply is reconciled by `find_existing`, which never posts it (the worker that
lost the reply may have posted it before dying): the found post carries a note for a person instead. A
failed comment is a note on `Published`, never a failed publication: the post itself is out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from publishing.adapters.base import Published, PublishError

if TYPE_CHECKING:
    from publishing.models import Publication

logger = logging.getLogger(__name__)

UNSURE_AFTER_LOST_REPLY = (
    "First comment not confirmed: the post's reply was lost and the post was found afterwards; "
    "check whether its comment is there and add it by hand if not."
)


def key_of(publication: Publication) -> str:
    """The comment's own idempotency key, so that the sandbox (and a platform that honours one) files it apart."""
    return f"{publication.idempotency_key}-first-comment"


def post_first_comment(publication: Publication, published: Published, post: Callable[[str, str], object]) -> Published:
    """`post(post_id, text)` the variant's first comment, if it has one; its failure becomes a note."""
    text = publication.variant.first_comment
    if not text.strip():
        return published
    try:
        post(published.remote_id, text)
    except PublishError as error:
        logger.warning("publication %s: the first comment was not posted: %s", publication.pk, error)
        return replace(published, notes=(*published.notes, f"First comment not posted: {error}"))
    return published


def noted_if_unsure(publication: Publication, found: Published | None) -> Published | None:
    """A post found after a lost reply, with a note if its first comment may be missing."""
    if found is None or not publication.variant.first_comment.strip():
        return found
    return replace(found, notes=(*found.notes, UNSURE_AFTER_LOST_REPLY))
