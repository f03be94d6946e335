"""The sandbox's Bluesky dialect checking a post record as the lexicons say, and the CIDs it answers with.

lexicons/app/bsky/feed/post.json: text within 300 graphemes and 3,000 bytes; an embed of up to 4 images
(embed/images.json, each with its `alt`) or a link card (embed/external.json: uri, title, description,
an optional thumb of at most 1,000,000 bytes); a reply's root and parent as strong references. Every
blob must be one of the account's uploads. Stricter than a PDS: a reply's parent must be a post the
sandbox has, under the CID it answered for it (a real AppView shows a reply with a wrong one detached).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, NoReturn

from publishing.platform_rules import SCHEME_URL, rules_for
from publishing.sandbox.dialects.bluesky_xrpc import PLATFORM, XrpcError
from publishing.sandbox.models import SandboxAccount, SandboxMedia, SandboxPost
from publishing.sandbox.services import NewPost

POST = "app.bsky.feed.post"
BLOB_MAX_BYTES = 2_000_000  # lexicons/app/bsky/embed/images.json, image maxSize
THUMB_MAX_BYTES = 1_000_000  # lexicons/app/bsky/embed/external.json, thumb maxSize


def check_post(account: SandboxAccount, record: dict[str, Any], body: dict[str, Any]) -> NewPost:
    """The record checked as the post lexicon says, its blobs found among the account's uploads."""
    text, rules = record.get("text"), rules_for(PLATFORM)
    if not isinstance(text, str) or not isinstance(record.get("createdAt"), str):
        _refuse('Record must have the property "text"')
    if (graphemes := rules.count(text)) > rules.text_limit:
        _refuse(f"grapheme too big (maximum {rules.text_limit}, got {graphemes}) at $.record.text")
    if (size := len(text.encode())) > rules.byte_limit:
        _refuse(f"string too long (maximum {rules.byte_limit}, got {size}) at $.record.text")
    embed = record.get("embed") or {}
    images = embed.get("images") or []
    if len(images) > rules.max_images:
        _refuse("embed/images must have at most 4 items")
    media = []
    for image in images:
        found = _blob(account, image.get("image") or {}, BLOB_MAX_BYTES)
        if "alt" not in image:
            _refuse('image must have the property "alt"')
        media.append({"id": found.remote_id, "alt": str(image["alt"])})
    if embed.get("$type") == "app.bsky.embed.external":
        external = embed.get("external") or {}
        if any(not isinstance(external.get(name), str) for name in ("uri", "title", "description")):
            _refuse('external must have the properties "uri", "title" and "description"')
        if "thumb" in external:
            media.append({"id": _blob(account, external["thumb"], THUMB_MAX_BYTES).remote_id, "alt": ""})
    links = [m.group() for m in SCHEME_URL.finditer(text)]
    parent = _parent(account, record["reply"]) if "reply" in record else None
    reply_to = parent.remote_id if parent else ""
    return NewPost(text=text, link=links[0] if links else "", media=media, reply_to=reply_to, payload=body)


def _parent(account: SandboxAccount, reply: object) -> SandboxPost:
    refs = [reply.get(end) if isinstance(reply, dict) else None for end in ("root", "parent")]
    if not all(isinstance(ref, dict) and {"uri", "cid"} <= set(ref) for ref in refs):
        _refuse('reply must have the properties "root" and "parent", each with "uri" and "cid"')
    parent = refs[1]
    rkey = str(parent["uri"]).rpartition(f"/{POST}/")[2]
    found = account.posts.filter(payload__rkey=rkey, deleted_at__isnull=True).first() if rkey else None
    if found is None or record_cid(found.payload["record"]) != parent["cid"]:
        _refuse(f"reply parent not found in the sandbox: {parent['uri']} ({parent['cid']})")
    return found


def _blob(account: SandboxAccount, blob: dict[str, Any], max_bytes: int) -> SandboxMedia:
    cid = (blob.get("ref") or {}).get("$link", "")
    digest = cid_digest(cid)
    found = account.media.filter(sha256=digest, post__isnull=True).first() if digest else None
    if found is None:
        raise XrpcError(400, "InvalidRequest", f"Could not find blob: {cid}")
    if found.size_bytes > max_bytes:
        raise XrpcError(400, "InvalidRequest", f"This file is too large. It is {found.size_bytes} bytes but the "
                                               f"maximum size is {max_bytes} bytes.")  # fmt: skip
    return found


def _refuse(problem: str) -> NoReturn:
    raise XrpcError(400, "InvalidRequest", f"Invalid {POST} record: {problem}")


def cid(codec: int, sha256: bytes) -> str:
    """A CIDv1 in base32 (atproto.com/specs/data-model#link-and-cid-formats): version, codec, sha-256 multihash."""
    return "b" + base64.b32encode(bytes([1, codec, 0x12, 0x20]) + sha256).decode().lower().rstrip("=")


def cid_digest(value: object) -> str | None:
    """The sha-256 (hex) a CID names, None if it is not a CIDv1 with one."""
    if not isinstance(value, str) or not value.startswith("b"):
        return None
    try:
        raw = base64.b32decode(value[1:].upper() + "=" * (-len(value[1:]) % 8))
    except ValueError:
        return None
    return raw[4:].hex() if raw[:1] == b"\x01" and raw[2:4] == b"\x12\x20" and len(raw) == 36 else None


def record_cid(record: object) -> str:
    # A real PDS hashes the record's DAG-CBOR; the sandbox hashes its canonical JSON (codec dag-cbor all the same).
    return cid(0x71, hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).digest())
