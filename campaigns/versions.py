"""The fingerprint of an item's content: what an approval is bound to.

Everything that reaches the public is in it: the item's texts and flags, its claims and sources, and every
variant's text, link, first comment and media (with the alt text in the variant's language). Any
change to any of these gives another fingerprint, which voids earlier approvals.
"""

from __future__ import annotations

import hashlib
import json

from campaigns.models import ContentItem


def content_hash(item: ContentItem) -> str:
    """SHA-256 of the item's published content, stable across databases and runs."""
    # The variants with their media in one query (a row per attachment, one with None for a variant
    # without media): it runs before every send and again when the item is marked published.
    rows = item.variants.order_by("platform", "language", "attachments__position").values_list(
        "pk", "platform", "language", "text", "link", "first_comment",
        "attachments__position", "attachments__asset__checksum", "attachments__asset__alt_text",
    )  # fmt: skip
    variants: dict[int, dict] = {}
    for pk, platform, language, text, link, first_comment, position, checksum, alt_text in rows:
        variant = variants.setdefault(pk, {
            "platform": platform, "language": language, "text": text, "link": link,
            "first_comment": first_comment, "media": [],
        })  # fmt: skip
        if position is not None:
            variant["media"].append([position, checksum, (alt_text or {}).get(language, "")])
    document = {
        "kind": item.kind,
        "title": item.title,
        "master_text": item.master_text,
        "health_advice": item.is_health_advice,
        "crisis": item.is_crisis,
        "sources": sorted(item.sources.values_list("url", flat=True)),
        "variants": list(variants.values()),
    }
    # Only when there are claims: the fingerprints of items without any, and the approvals bound to them, stay as
    # they were before claims existed.
    if claims := _claims(item):
        document["claims"] = claims
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _claims(item: ContentItem) -> list[dict]:
    claims: dict[int, dict] = {}
    rows = item.claims.order_by("position", "pk", "sources__url").values_list(
        "pk", "text", "sources__url", "sources__kind"
    )
    for pk, text, url, kind in rows:
        claim = claims.setdefault(pk, {"text": text, "sources": []})
        if url is not None:
            claim["sources"].append([url, kind])
    return list(claims.values())
