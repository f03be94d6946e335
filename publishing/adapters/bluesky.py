"""Bluesky over XRPC (AT Protocol): an app-password session, blobs, then one `app.bsky.feed.post` record.

The record key is ours, derived from the publication's idempotency key: a second createRecord with it
cannot make a second post, so a retry that finds the key taken reads the record back instead.
Credentials: `identifier` (else the handle) and `app_password`; the session adds `access_jwt`,
`refresh_jwt` and `did` (a bare `access_token`, as the demo's and benchmarks' sandbox accounts have, is
used as the access JWT).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

import httpx
from django.utils import timezone
from PIL import Image

from campaigns.checks import ERROR, Problem
from publishing.adapters import atproto
from publishing.adapters.base import (
    Adapter,
    AuthFailed,
    Permanent,
    Published,
    TokenInvalid,
    Transient,
    UnknownOutcome,
    oauth_error,
)
from publishing.platform_rules import rules_for

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Variant
    from publishing.models import Publication, SocialAccount

POST = "app.bsky.feed.post"
# lexicons/app/bsky/embed/images.json allows 2 MB now ("formerly limited to 1 MB"); 1 MB is what every
# server and client still accepts (platform-rules.md).
BLOB_MAX_BYTES = 1_000_000


class XrpcRefusal(Permanent):
    """A 400 with the XRPC error body (atproto.com/specs/xrpc#error-responses): its `error` name kept."""

    def __init__(self, message: str, *, status: int, error: str) -> None:
        super().__init__(message, status=status)
        self.error = error


def record_key(publication: Publication) -> str:
    """The publication's record key: a TID derived from its idempotency key alone."""
    return atproto.tid_from_key(publication.idempotency_key.bytes)


class BlueskyAdapter(Adapter):
    platform = "bluesky"
    # A record key, once taken, stays taken until the record is deleted (atproto.com/specs/record-key):
    # a resend under it can never make a second post, however late.
    idempotency_window = dt.timedelta.max

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What Bluesky would refuse in this variant (lexicons/app/bsky/feed/post.json), before any request."""
        rules, text = rules_for(self.platform), _text(variant)
        assets = [a.asset for a in variant.attachments.select_related("asset")]
        limits = [
            ("text", (rules.count(text), rules.text_limit, "graphemes")),
            ("text", (len(text.encode()), rules.byte_limit, "bytes")),
            ("media", (len(assets), rules.max_images, "images")),
        ]
        problems = [
            Problem(field, "limit", f"{n} {unit}; Bluesky takes at most {limit}", ERROR, variant.pk)
            for field, (n, limit, unit) in limits
            if n > limit
        ]
        problems += [
            Problem("media", "video", f"{a.title!r} is a video: not supported yet", ERROR, variant.pk)
            for a in assets
            if a.kind == a.Kind.VIDEO
        ]
        return problems + [
            Problem("media", "alt_text", f"{a.title!r} has no alt text", ERROR, variant.pk)
            for a in assets
            if not a.alt_text.get(variant.language)
        ]

    def publish(self, publication: Publication) -> Published:
        variant, account = publication.variant, publication.account
        if problems := self.validate(variant):
            raise Permanent("Bluesky would refuse this post: " + "; ".join(p.message for p in problems))
        text = _text(variant)
        record: dict[str, Any] = {
            "$type": POST,
            "text": text,
            "createdAt": atproto.datetime_now(),
            "langs": [variant.language],
        }
        if facets := atproto.facets(text, lambda handle: self._resolve(account, handle)):
            record["facets"] = facets
        attachments = variant.attachments.select_related("asset").order_by("position")
        if images := [self._image(account, a.asset, variant.language) for a in attachments]:
            record["embed"] = {"$type": "app.bsky.embed.images", "images": images}
        rkey = record_key(publication)
        body = {"repo": _repo(account), "collection": POST, "rkey": rkey, "record": record}
        # Bluesky ignores Idempotency-Key; the sandbox files the post under it, as for every platform.
        headers = {"Idempotency-Key": str(publication.idempotency_key)}
        try:
            data = self._call(account, "POST", "com.atproto.repo.createRecord", json=body, headers=headers).json()
        except (Permanent, Transient) as error:
            # A PDS answers 500 when the key is taken (its repository refuses the second write), by this very
            # post sent before: a refusal is checked against the record under our key.
            if isinstance(error, AuthFailed) or error.status not in (400, 500):
                raise
            if found := self.find_existing(publication):
                return found
            raise
        return Published(remote_id=data["uri"], url=_url(account, rkey))

    def find_existing(self, publication: Publication) -> Published | None:
        # lexicons/com/atproto/repo/getRecord.json: RecordNotFound when the key is free.
        account, rkey = publication.account, record_key(publication)
        params = {"repo": _repo(account), "collection": POST, "rkey": rkey}
        try:
            data = self._call(account, "GET", "com.atproto.repo.getRecord", params=params).json()
        except XrpcRefusal as error:
            if error.error == "RecordNotFound":
                return None
            raise
        return Published(remote_id=data["uri"], url=_url(account, rkey))

    def delete(self, publication: Publication) -> None:
        """Delete the post (deleting a missing record succeeds: lexicons/com/atproto/repo/deleteRecord.json)."""
        body = {"repo": _repo(publication.account), "collection": POST, "rkey": record_key(publication)}
        self._call(publication.account, "POST", "com.atproto.repo.deleteRecord", json=body)

    def check(self, response: httpx.Response) -> httpx.Response:
        status, error = response.status_code, oauth_error(response)  # the XRPC body's `error`
        # The PDS says 400 ExpiredToken for an expired access JWT (packages/pds/src/auth-verifier.ts).
        if status in (400, 401) and error in ("ExpiredToken", "InvalidToken"):
            raise TokenInvalid(f"the session was refused ({status} {error}): {response.text[:300]}", status=status)
        if status == 429 and (reset := response.headers.get("ratelimit-reset", "")).isdigit():
            # docs.bsky.app/docs/advanced-guides/rate-limits: ratelimit-reset is an epoch second.
            wait_s = max(float(reset) - timezone.now().timestamp(), 0.0)
            raise Transient(f"rate limited: {response.text[:300]}", status=429, retry_after_s=wait_s)
        if status == 400 and error:
            raise XrpcRefusal(f"Bluesky refused the request ({error}): {response.text[:300]}", status=400, error=error)
        return super().check(response)

    def _call(self, account: SocialAccount, method: str, nsid: str, **kwargs: Any) -> httpx.Response:
        """One XRPC call with the account's session: made first if there is none, renewed once if refused."""
        if not _access(account):
            self._start_session(account)
        try:
            return self.request(method, _xrpc(account, nsid), token=_access(account), **kwargs)
        except TokenInvalid:
            refresh_jwt = account.credentials.get("refresh_jwt")
            try:
                self._start_session(account, refresh_jwt)
            except AuthFailed:
                if not refresh_jwt:
                    raise
                self._start_session(account)  # the refresh JWT expired or was revoked: log in again
            return self.request(method, _xrpc(account, nsid), token=_access(account), **kwargs)

    def _start_session(self, account: SocialAccount, refresh_jwt: str | None = None) -> None:
        """A session by the refresh JWT (refreshSession.json: it is the bearer), else by the app password."""
        credentials = account.credentials
        if refresh_jwt:
            nsid, kwargs = "refreshSession", {"headers": {"Authorization": f"Bearer {refresh_jwt}"}}
        elif password := credentials.get("app_password"):
            login = {"identifier": credentials.get("identifier") or _handle(account), "password": password}
            nsid, kwargs = "createSession", {"json": login}
        else:
            raise AuthFailed("the Bluesky session ended and the account has no app password: reconnect it")
        try:
            response = self.check(self.client.post(_xrpc(account, f"com.atproto.server.{nsid}"), **kwargs))
        except (httpx.TransportError, UnknownOutcome) as error:
            raise Transient(f"could not start a Bluesky session: {error!r}") from error  # nothing was posted
        except XrpcRefusal as error:
            raise AuthFailed(f"Bluesky refused the session: {error}", status=error.status) from error
        data = response.json()
        session = {"access_jwt": data["accessJwt"], "refresh_jwt": data["refreshJwt"], "did": data["did"]}
        account.credentials = {**credentials, **session}
        account.save(update_fields=["credentials"])

    def _resolve(self, account: SocialAccount, handle: str) -> str | None:
        # lexicons/com/atproto/identity/resolveHandle.json; an unknown handle is left as plain text.
        try:
            response = self._call(account, "GET", "com.atproto.identity.resolveHandle", params={"handle": handle})
        except (Permanent, Transient, UnknownOutcome):
            return None
        return response.json().get("did")

    def _image(self, account: SocialAccount, asset: MediaAsset, language: str) -> dict[str, Any]:
        """Upload one image (re-encoded until it fits) and describe it for the embed (embed/images.json)."""
        try:
            with asset.file.open("rb") as file:
                content, mime_type = file.read(), asset.mime_type or "image/jpeg"
        except OSError as error:
            raise Permanent(f"the attached file {asset.title!r} cannot be read: {error}") from error
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if len(content) > BLOB_MAX_BYTES:
                content, mime_type = atproto.jpeg_within(image, BLOB_MAX_BYTES), "image/jpeg"
        headers = {"Content-Type": mime_type}
        try:
            response = self._call(account, "POST", "com.atproto.repo.uploadBlob", content=content, headers=headers)
        except UnknownOutcome as error:
            # An unreferenced blob is deleted by the PDS after a while (uploadBlob.json): safe to retry.
            raise Transient(f"the image upload got no answer: {error}", status=error.status) from error
        blob = response.json()["blob"]
        ratio = {"width": width, "height": height}
        return {"image": blob, "alt": asset.alt_text.get(language, ""), "aspectRatio": ratio}


def _text(variant: Variant) -> str:
    # A post has no link field: a link not already in the text is added at its end, where a facet marks it.
    if variant.link and variant.link not in variant.text:
        return f"{variant.text.rstrip()}\n\n{variant.link}" if variant.text.strip() else variant.link
    return variant.text


def _handle(account: SocialAccount) -> str:
    return account.handle.removeprefix("@")


def _repo(account: SocialAccount) -> str:
    return account.credentials.get("did") or _handle(account)


def _access(account: SocialAccount) -> str:
    return account.credentials.get("access_jwt") or account.credentials.get("access_token", "")


def _xrpc(account: SocialAccount, nsid: str) -> str:
    return f"{account.api_base_url.rstrip('/')}/xrpc/{nsid}"  # atproto.com/specs/xrpc#lexicon-http-endpoints


def _url(account: SocialAccount, rkey: str) -> str:
    # The web app's address of a post (bsky.app/profile/<handle>/post/<rkey>).
    return f"https://bsky.app/profile/{_handle(account)}/post/{rkey}"
