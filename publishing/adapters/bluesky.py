"""Bluesky over XRPC (AT Protocol): an app-password session (`bluesky_xrpc.py`), blobs, then `app.bsky.feed.post` records.

The record key is ours, derived from the publication's idempotency key: a second createRecord with it
cannot make a second post, so a retry that finds the key taken reads the record back instead. A first
comment is a reply record under a key derived the same way; a video is embedded alone (`bluesky_video.py`);
a link without media gets a card (`bluesky_cards.py`). Likes and reposts are counted by the AppView, not the
account's PDS.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from campaigns.checks import ERROR, Problem
from publishing.adapters import atproto, bluesky_cards, bluesky_video
from publishing.adapters import bluesky_records as records
from publishing.adapters.base import AuthFailed, Permanent, Published, PublishError, Transient, attached_assets
from publishing.adapters.bluesky_xrpc import XrpcAdapter, XrpcRefusal, handle, repo, xrpc_url
from publishing.adapters.shapes import ImageShape
from publishing.platform_rules import rules_for

if TYPE_CHECKING:
    from campaigns.models import Variant
    from publishing.models import Publication, SocialAccount

logger = logging.getLogger(__name__)

POST = records.POST
METRICS = ("likeCount", "repostCount", "replyCount", "quoteCount")  # app.bsky.feed.defs#postView


def record_key(publication: Publication) -> str:
    """The publication's record key: a TID derived from its idempotency key alone."""
    return atproto.tid_from_key(publication.idempotency_key.bytes)


def comment_key(publication: Publication) -> str:
    """The record key of the publication's first comment, derived from its idempotency key as the post's is."""
    return atproto.tid_from_key(publication.idempotency_key.bytes + b"first-comment")


class BlueskyAdapter(XrpcAdapter):
    platform = "bluesky"
    # Each image blob at most 1,000,000 bytes (lexicons/app/bsky/embed/images.json); the app shows up to 2000 px.
    image_shapes = (ImageShape("original", 2000, 2000, ("JPEG", "PNG", "WEBP"), 1_000_000, crop=False),)
    # A record key, once taken, stays taken until the record is deleted (atproto.com/specs/record-key):
    # a resend under it can never make a second post, however late.
    idempotency_window = dt.timedelta.max
    # app.bsky.feed.defs#postView counts; quotes stay in the raw answer. Bluesky counts no views or clicks.
    metric_names = {"likeCount": "likes", "repostCount": "shares", "replyCount": "replies"}
    # A post answers another by its `reply` strong references (lexicons/app/bsky/feed/post.json#replyRef).
    supports_reply = True
    # com.atproto.repo.deleteRecord (lexicons/com/atproto/repo/deleteRecord.json).
    supports_delete = True

    def __init__(self, client: httpx.Client | None = None, *, card_hosts: Collection[str] = ()) -> None:
        """`card_hosts`: hosts whose pages get a link card although they are on loopback or a private network."""
        super().__init__(client)
        self.card_hosts = frozenset(card_hosts)

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What Bluesky would refuse in this variant (lexicons/app/bsky/feed/post.json), before any request."""
        rules, text = rules_for(self.platform), records.post_text(variant)
        assets = attached_assets(variant)
        images = [a for a in assets if not bluesky_video.is_video(a)]
        limits = [
            ("text", "length", rules.count(text), rules.text_limit, _("Bluesky takes at most %(limit)s characters "
             "(graphemes); this post has %(count)s.")),
            ("text", "byte_length", len(text.encode()), rules.byte_limit, _("Bluesky takes at most %(limit)s bytes; "
             "this text has %(count)s.")),
            ("media", "media_count", len(images), rules.max_images, _("Bluesky takes at most %(limit)s images; this "
             "post has %(count)s.")),
        ]  # fmt: skip
        problems = [
            Problem(field, rule, message % {"limit": limit, "count": n}, ERROR, variant.pk)
            for field, rule, n, limit, message in limits
            if limit is not None and n > limit
        ]
        problems += bluesky_video.video_problems(variant, assets)
        return problems + [
            Problem("alt_text", "alt_text_missing", _("“%(title)s” has no alt text.") % {"title": a.title}, ERROR,
                    variant.pk)
            for a in images
            if not str(a.alt_text.get(variant.language, "")).strip()
        ]  # fmt: skip

    def publish(self, publication: Publication) -> Published:
        variant, account = publication.variant, publication.account
        if problems := self.validate(variant):
            raise Permanent("Bluesky would refuse this post: " + "; ".join(p.message for p in problems))
        notes: list[str] = []
        reply = self._answering(publication)
        record = records.post_record(self, account, records.post_text(variant), variant.language, reply=reply)
        embed = bluesky_video.video_embed(self, account, variant) or records.images_embed(self, account, variant)
        if embed is None and variant.link:
            embed = self._card(account, variant.link, notes)
        if embed:
            record["embed"] = embed
        # Bluesky ignores Idempotency-Key; the sandbox files the post under it, as for every platform.
        headers = {"Idempotency-Key": str(publication.idempotency_key)}
        made = self._create(account, record_key(publication), record, headers=headers)
        if variant.first_comment.strip():
            notes += self._comment(publication, made)
        return Published(remote_id=made["uri"], url=_url(account, record_key(publication)), notes=tuple(notes))

    def find_existing(self, publication: Publication) -> Published | None:
        found = self._read(publication.account, record_key(publication))
        return (
            Published(remote_id=found["uri"], url=_url(publication.account, record_key(publication))) if found else None
        )

    def delete(self, publication: Publication) -> None:
        """Delete the post (deleting a missing record succeeds: lexicons/com/atproto/repo/deleteRecord.json)."""
        body = {"repo": repo(publication.account), "collection": POST, "rkey": record_key(publication)}
        self.call(publication.account, "POST", "com.atproto.repo.deleteRecord", json=body)

    def fetch_metrics(self, publication: Publication) -> dict[str, int]:
        """The post's counts from the AppView's app.bsky.feed.getPosts (public: no session is sent)."""
        url = xrpc_url(settings.PLANNER_BLUESKY_APPVIEW_URL, "app.bsky.feed.getPosts")
        try:
            response = self.check(self.client.get(url, params={"uris": [publication.remote_id]}))
        except httpx.TransportError as error:
            raise Transient(f"the AppView did not answer: {error!r}") from error
        if not (posts := response.json().get("posts")):
            # getPosts leaves out a post it does not have: deleted, or not indexed yet.
            raise Permanent(f"the AppView has no post {publication.remote_id}")
        return {name: int(posts[0].get(name) or 0) for name in METRICS}

    def _create(self, account: SocialAccount, rkey: str, record: dict[str, Any], **kwargs: Any) -> dict[str, str]:
        """Write a post under our record key: its uri and cid, those of the record already there if it is taken."""
        body = {"repo": repo(account), "collection": POST, "rkey": rkey, "record": record}
        try:
            return self.call(account, "POST", "com.atproto.repo.createRecord", json=body, **kwargs).json()
        except (Permanent, Transient) as error:
            # A PDS answers 500 when the key is taken (its repository refuses the second write), by this very
            # record sent before: a refusal is checked against the record under our key.
            if isinstance(error, AuthFailed) or error.status not in (400, 500):
                raise
            if found := self._read(account, rkey):
                return found
            raise

    def _read(self, account: SocialAccount, rkey: str) -> dict[str, Any] | None:
        # lexicons/com/atproto/repo/getRecord.json: RecordNotFound when the key is free.
        params = {"repo": repo(account), "collection": POST, "rkey": rkey}
        try:
            return self.call(account, "GET", "com.atproto.repo.getRecord", params=params).json()
        except XrpcRefusal as error:
            if error.error == "RecordNotFound":
                return None
            raise

    def _comment(self, publication: Publication, post: dict[str, str]) -> list[str]:
        """Post the first comment as a reply to the post; what went wrong, as notes (never the publication's failure)."""
        variant, account = publication.variant, publication.account
        try:
            reply = records.reply_to(post)
            record = records.post_record(self, account, variant.first_comment, variant.language, reply=reply)
            self._create(account, comment_key(publication), record)
        except PublishError as error:
            logger.warning("publication %s: the first comment was not posted: %s", publication.pk, error)
            return [f"First comment not posted: {error}"]
        return []

    def _answering(self, publication: Publication) -> dict[str, Any] | None:
        """The `reply` of a correction to the original's post on the account: its thread's root kept if the original
        itself answered a post; None (a new post) if there is no such post or its record is gone."""
        if (answered := self.answered_post(publication)) is None:
            return None
        if (original := self._read(publication.account, record_key(answered))) is None:
            return None
        parent = {"uri": original["uri"], "cid": original["cid"]}
        root = ((original.get("value") or {}).get("reply") or {}).get("root") or parent
        return {"root": root, "parent": parent}

    def _card(self, account: SocialAccount, link: str, notes: list[str]) -> dict[str, Any] | None:
        """The link's card (embed/external.json), its picture as the thumb; None, and a note, if it cannot be read."""
        try:
            card = bluesky_cards.read_card(self.client, link, self.card_hosts)
        except bluesky_cards.CardUnavailable as error:
            notes.append(f"Link card not added: {error}")
            return None
        external = {"uri": card.uri, "title": card.title, "description": card.description}
        if card.picture_url:
            try:
                external["thumb"] = self._thumb(account, card.picture_url)
            except (bluesky_cards.CardUnavailable, OSError, PublishError) as error:
                notes.append(f"Link card without its picture: {error}")
        return {"$type": "app.bsky.embed.external", "external": external}

    def _thumb(self, account: SocialAccount, picture_url: str) -> dict[str, Any]:
        """The card's picture, fetched as the page was and uploaded as a blob (re-encoded to fit)."""
        limit = bluesky_cards.PICTURE_MAX_BYTES
        _final, content_type, content = bluesky_cards.fetch(self.client, picture_url, self.card_hosts, limit)
        if not (mime_type := content_type.split(";")[0].strip()).startswith("image/"):
            raise bluesky_cards.CardUnavailable(f"{picture_url} is not an image ({content_type})")
        return records.upload_blob(self, account, content, mime_type)


def _url(account: SocialAccount, rkey: str) -> str:
    # The web app's address of a post (bsky.app/profile/<handle>/post/<rkey>).
    return f"https://bsky.app/profile/{handle(account)}/post/{rkey}"
