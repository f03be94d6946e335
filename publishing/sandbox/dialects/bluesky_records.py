"""The sandbox's Bluesky dialect checking a post record as the lexicons say, and the CIDs it answers with.

lexicons/app/bsky/feed/post.json: text within 300 graphemes and 3,000 bytes; an embed of up to 4 images
(embed/images.json, each with its `alt`), one video (embed/video.json: an MP4 blob of at most 300,000,000
bytes, an optional string `alt`, an `aspectRatio` of integers of at least 1, up to 20 captions) or a link
card (embed/external.json: uri, title, description, an optional thumb of at most 1,000,000 bytes); a
reply's root and parent as strong references. Every blob must be one of the account's uploads, its
reference saying the type and size stored. Stricter than a PDS: a reply's parent must be a post the
sandbox has, under the CID it answered for it (a real AppView shows a reply with a wrong one detached);
a video embed's faults are answered in the words of the PDS of @atproto/dev-env 0.6.7 (the real-PDS tests).
The sandbox's uploadBlob takes images and videos only: a caption's WebVTT file is never found.
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
VIDEO = "app.bsky.embed.video"
VIDEO_ACCEPT = ("video/mp4",)  # lexicons/app/bsky/embed/video.json: video accept, maxSize; captions maxLength
VIDEO_MAX_BYTES = 300_000_000
CAPTIONS_MAX = 20
CAPTION_ACCEPT = ("text/vtt",)  # embed/video.json#caption, file accept and maxSize
CAPTION_MAX_BYTES = 20_000
LEXICON_TYPES = {int: "integer", str: "string", dict: "object"}


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
    if embed.get("$type") == VIDEO:
        media.append(check_video(account, embed))
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


def check_video(account: SandboxAccount, embed: dict[str, Any]) -> dict[str, str]:
    """A video embed checked as embed/video.json says, in the PDS's words; then its blob looked up as the PDS does."""
    at = "$.record.embed"
    if "video" not in embed:
        _refuse(f'Missing required key "video" at {at}')
    _check_blob_ref(embed["video"], VIDEO_ACCEPT, f"{at}.video")
    for name in ("alt", "presentation"):
        if name in embed and not isinstance(embed[name], str):
            _refuse(f"Expected string value type (got {_shown(embed[name])}) at {at}.{name}")
    if "aspectRatio" in embed:
        _check_object(embed["aspectRatio"], {"width": int, "height": int}, f"{at}.aspectRatio")
        for name in ("width", "height"):
            if (value := embed["aspectRatio"][name]) < 1:
                _refuse(f"integer too small (minimum 1, got {value}) at {at}.aspectRatio.{name}")
    captions = embed.get("captions", [])
    if not isinstance(captions, list):
        _refuse(f"Expected array value type (got {_shown(captions)}) at {at}.captions")
    if len(captions) > CAPTIONS_MAX:
        _refuse(f"array too big (maximum {CAPTIONS_MAX}, got {len(captions)}) at {at}.captions")
    for i, caption in enumerate(captions):
        _check_object(caption, {"lang": str, "file": dict}, f"{at}.captions[{i}]")
        _check_blob_ref(caption["file"], CAPTION_ACCEPT, f"{at}.captions[{i}].file")
        _blob(account, caption["file"], CAPTION_MAX_BYTES)
    found = _blob(account, embed["video"], VIDEO_MAX_BYTES)
    return {"id": found.remote_id, "alt": str(embed.get("alt", ""))}


def _check_blob_ref(blob: object, accept: tuple[str, ...], at: str) -> None:
    shape = {"$type": str, "ref": dict, "mimeType": str, "size": int}
    if not isinstance(blob, dict) or any(not isinstance(blob.get(k), t) for k, t in shape.items()):
        _refuse(f"Expected blob value type (got {_shown(blob)}) at {at}")
    if blob["mimeType"] not in accept:
        _refuse(f'Expected "{accept[0]}" (got "{blob["mimeType"]}") at {at}.mimeType')


def _check_object(value: object, fields: dict[str, type], at: str) -> None:
    """An object with these required fields of these types (a bool is no integer in a lexicon)."""
    if not isinstance(value, dict):
        _refuse(f"Expected object value type (got {_shown(value)}) at {at}")
    for name, kind in fields.items():
        if name not in value:
            _refuse(f'Missing required key "{name}" at {at}')
        if isinstance(value[name], bool) or not isinstance(value[name], kind):
            _refuse(f"Expected {LEXICON_TYPES[kind]} value type (got {_shown(value[name])}) at {at}.{name}")


def _shown(value: object) -> str:
    # As the PDS's validator shows a value: JSON, an object by its first key only.
    if isinstance(value, dict):
        return "{" + (f"{json.dumps(next(iter(value)))}: ..." if value else "") + "}"
    return json.dumps(value)[:50]


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
    """The account's upload a blob reference names, the reference saying what was stored, within `max_bytes`."""
    cid = (blob.get("ref") or {}).get("$link", "")
    digest = cid_digest(cid)
    found = account.media.filter(sha256=digest, post__isnull=True).first() if digest else None
    if found is None:
        raise XrpcError(400, "InvalidRequest", f"Could not find blob: {cid}")
    # packages/pds src/actor-store/blob/transactor.ts, verifyBlob: what a reference says must be what was stored.
    if "mimeType" in blob and blob["mimeType"] != found.mime_type:
        raise XrpcError(400, "InvalidMimeType", f"Referenced Mimetype does not match stored blob. Expected: "
                                                f"{found.mime_type}, Got: {blob['mimeType']}")  # fmt: skip
    if "size" in blob and blob["size"] != found.size_bytes:
        raise XrpcError(400, "InvalidSize", f"Referenced Size does not match stored blob. Expected: "
                                            f"{found.size_bytes}, Got: {blob['size']}")  # fmt: skip
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
