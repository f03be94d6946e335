"""What every Google API shares: its error body, its quota day, its token endpoint and its resumable upload.

Errors are `{"error": {"code", "message", "errors": [{"reason", "domain", "message"}], "status"}}`
(https://developers.google.com/youtube/v3/docs/errors); the resumable upload protocol is
https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol: a POST with the metadata
answers a session URL (`Location`), the bytes are PUT there in chunks with `Content-Range`, a 308 "Resume
Incomplete" says with `Range` how much the server has, and the last chunk is answered with the resource.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import TYPE_CHECKING, Any, BinaryIO
from zoneinfo import ZoneInfo

import httpx

from publishing.adapters.base import (
    Adapter,
    AuthFailed,
    Permanent,
    TokenInvalid,
    Transient,
    UnknownOutcome,
    retry_after,
    seconds_until_midnight,
)

if TYPE_CHECKING:
    from publishing.models import SocialAccount

# https://developers.google.com/identity/protocols/oauth2/web-server#offline: the refresh grant is a form
# posted here; the answer has no new refresh token (the base keeps the stored one).
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 (an address, not a secret)
# "The daily quota resets at midnight Pacific Time" (https://developers.google.com/youtube/v3/getting-started#quota).
QUOTA_ZONE = ZoneInfo("America/Los_Angeles")
QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
PERMISSION_REASONS = {"insufficientPermissions", "forbidden", "accessNotConfigured"}
# "chunk size must be a multiple of 256 KB" except the last one (the resumable upload guide, step 3).
UPLOAD_GRANULE_BYTES = 256 * 1024
# A few interruptions are resumed within one attempt; more, and the engine's backoff takes over.
UPLOAD_RESUMES_MAX = 5
RESUME_PAUSE_S = 0.25
UPLOAD_RANGE = re.compile(r"bytes=0-(\d+)")


def google_error(response: httpx.Response) -> tuple[str, set[str]]:
    """The message and the reasons of a Google error body (its text when it is not one)."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return response.text[:300], set()
    if not isinstance(error, dict):
        return response.text[:300], set()
    reasons = {e.get("reason", "") for e in error.get("errors") or [] if isinstance(e, dict)}
    return str(error.get("message", ""))[:300], reasons - {""}


def seconds_until_quota_reset(now: dt.datetime | None = None) -> float:
    """Seconds from now to the next midnight in Pacific Time, when Google resets every project's daily quota."""
    return seconds_until_midnight(QUOTA_ZONE, now)


class GoogleAdapter(Adapter):
    """An adapter for a Google API: its errors mapped, its token endpoint, its resumable upload."""

    chunk_bytes: int = 32 * UPLOAD_GRANULE_BYTES  # 8 MiB: few requests, little to resend after a break

    def check(self, response: httpx.Response) -> httpx.Response:
        status = response.status_code
        if status < 400:
            return response
        message, reasons = google_error(response)
        detail = f"{status} {', '.join(sorted(reasons)) or 'error'}: {message}"
        if reasons & QUOTA_REASONS:
            raise Transient(
                f"Google quota exhausted ({detail})", status=status, retry_after_s=seconds_until_quota_reset()
            )
        if reasons & RATE_REASONS or status == 429:
            raise Transient(f"Google rate limit ({detail})", status=status, retry_after_s=retry_after(response))
        if status == 401:
            # Every 401 is "Invalid Credentials" (reason authError): an expired token, which a refresh fixes.
            raise TokenInvalid(f"Google refused the access token ({detail})", status=status)
        if status == 403 and reasons & PERMISSION_REASONS:
            raise AuthFailed(f"Google refused the account's permissions ({detail})", status=status)
        if 400 <= status < 500:
            raise Permanent(f"Google refused the request ({detail})", status=status)
        return super().check(response)

    def _call(self, account: SocialAccount, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request with the account's token; `path` under its API base URL, or a session URL as Google gave it."""
        url = path if path.startswith(("https://", "http://")) else f"{account.api_base_url.rstrip('/')}/{path}"
        return self.authorized_request(account, method, url, token_url=token_url(account), **kwargs)

    def upload_resumable(
        self, account: SocialAccount, path: str, metadata: dict[str, Any], file: BinaryIO, size: int, mime_type: str,
        *, headers: dict[str, str],
    ) -> dict[str, Any]:  # fmt: skip
        """Start a resumable session for `metadata`, send the file's bytes, return the created resource."""
        start = {"X-Upload-Content-Length": str(size), "X-Upload-Content-Type": mime_type, **headers}
        try:
            session = self._call(account, "POST", path, json=metadata, headers=start)
        except UnknownOutcome as error:
            # A session without its bytes makes nothing: safe to start again.
            raise Transient(f"the upload session got no answer: {error}", status=error.status) from error
        session_url = session.headers.get("Location")
        if not session_url:
            raise Permanent(f"Google answered the upload without a session URL ({session.status_code})")
        offset, resumes = 0, 0
        while True:
            end = min(offset + self.chunk_bytes, size)
            file.seek(offset)
            chunk = {"Content-Type": mime_type, "Content-Range": f"bytes {offset}-{end - 1}/{size}"}
            try:
                reply = self._call(account, "PUT", session_url, content=file.read(end - offset), headers=chunk)
            except (Transient, UnknownOutcome) as error:
                # A break mid-upload: ask the session what it has and go on from there (guide, "Resume an
                # interrupted upload"). 5xx are resumed too: "resume the upload" is Google's advice for them.
                if (resumes := resumes + 1) > UPLOAD_RESUMES_MAX:
                    if end == size:  # the last chunk may have completed the upload: the video may exist
                        raise UnknownOutcome(f"the upload's end got no answer: {error}", status=error.status) from error
                    raise
                time.sleep(RESUME_PAUSE_S * resumes)
                reply = self._upload_status(account, session_url, size, last_chunk=end == size)
            if reply.status_code in (200, 201):
                return reply.json()
            previous, offset = offset, next_offset(reply)
            if offset <= previous and (resumes := resumes + 1) > UPLOAD_RESUMES_MAX:
                raise Transient(f"the upload session stopped taking bytes at {offset} of {size}")

    def _upload_status(
        self, account: SocialAccount, session_url: str, size: int, *, last_chunk: bool
    ) -> httpx.Response:
        """The session's state: 308 with the Range it holds, or 200/201 with the resource if it is complete."""
        headers = {"Content-Range": f"bytes */{size}"}
        try:
            return self._call(account, "PUT", session_url, content=b"", headers=headers)
        except (Transient, UnknownOutcome) as error:
            if last_chunk:  # the last chunk may have completed the upload: the video may exist
                raise UnknownOutcome(
                    f"the upload's state is unknown after its end: {error}", status=error.status
                ) from error
            raise Transient(
                f"the upload was interrupted and its state unknown: {error}", status=error.status
            ) from error


def next_offset(reply: httpx.Response) -> int:
    """The first byte the session still needs, from a 308's `Range: bytes=0-N` (none: nothing was kept)."""
    if reply.status_code != 308:
        raise Permanent(f"Google answered the upload with {reply.status_code}: {reply.text[:300]}")
    match = UPLOAD_RANGE.fullmatch(reply.headers.get("Range", "").strip())
    return int(match.group(1)) + 1 if match else 0


def token_url(account: SocialAccount) -> str:
    """The account's token endpoint: `token_uri` from its credentials (as google-auth's files carry it), else Google's."""
    return account.credentials.get("token_uri") or GOOGLE_TOKEN_URL
