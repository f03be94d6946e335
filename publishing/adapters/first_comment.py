"""A post's first comment, made after the post: whatever goes wrong with it is a note, never a failed publication.

The post is online by then; failing the publication would have the engine make it again. The comment is the last
step of `publish`, after the post's own reply, so it is never sent while the post's outcome is unknown.
- Platforms with no idempotency key for comments (YouTube, LinkedIn) look for the comment first (`already_made`),
  so a second run of the whole publication (a resend after a lost reply) finds it instead of doubling it.
- Where a lost reply is reconciled by `find_existing` instead (Facebook, Instagram, Threads), the comment is never
  posted then (the worker that lost the reply may have posted it before dying): the post found carries a note.
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


def comment_or_note(publication: Publication, published: Published, already_made: Callable[[], bool],
                    make: Callable[[], object]) -> Published:  # fmt: skip
    """`published`, after `make()` unless `already_made()`; with a note saying why if either failed."""
    try:
        if not already_made():
            make()
    except PublishError as error:
        logger.warning("publication %s: the first comment was not posted: %s", publication.pk, error)
        return replace(published, notes=(*published.notes, f"First comment not posted: {error}"))
    return published


def post_first_comment(publication: Publication, published: Published, post: Callable[[str, str], object]) -> Published:
    """`post(post_id, text)` the variant's first comment, if it has one; its failure becomes a note."""
    text = publication.variant.first_comment
    if not text.strip():
        return published
    return comment_or_note(publication, published, lambda: False, lambda: post(published.remote_id, text))


def noted_if_unsure(publication: Publication, found: Published | None) -> Published | None:
    """A post found after a lost reply, with a note if its first comment may be missing."""
    if found is None or not publication.variant.first_comment.strip():
        return found
    return replace(found, notes=(*found.notes, UNSURE_AFTER_LOST_REPLY))
