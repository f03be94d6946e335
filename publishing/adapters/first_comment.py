"""A post's first comment, made after the post: whatever goes wrong with it is a note, never a failed publication.

The post is online by then; failing the publication would have the engine make it again. The platforms that
have no idempotency key for comments look for the comment first (`already_made`), so a second run of the whole
publication (a resend after a lost reply) finds it instead of doubling it.
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
