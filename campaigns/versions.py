"""The fingerprint of an item's content: what an approval is bound to.

Everything that reaches the public is in it: the item's texts and flags, its sources, and every
variant's text, link, first comment and media (with the alt text in the variant's language). Any
change to any of these gives another fingerprint, which voids earlier approvals.
"""

from __future__ import annotations

import hashlib
import json

from campaigns.models import ContentItem


def content_hash(item: ContentItem) -> str:
    """SHA-256 of the item's published content, stable across databases and runs."""
    variants = item.variants.order_by("platform", "language").prefetch_related("attachments__asset")
    document = {
        "kind": item.kind,
        "title": item.title,
        "master_text": item.master_text,
        "health_advice": item.is_health_advice,
        "crisis": item.is_crisis,
        "sources": sorted(item.sources.values_list("url", flat=True)),
        "variants": [
            {
                "platform": variant.platform,
                "language": variant.language,
                "text": variant.text,
                "link": variant.link,
                "first_comment": variant.first_comment,
                "media": [
                    [
                        attachment.position,
                        attachment.asset.checksum,
                        attachment.asset.alt_text.get(variant.language, ""),
                    ]
                    for attachment in sorted(variant.attachments.all(), key=lambda a: a.position)
                ],
            }
            for variant in variants
        ],
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
