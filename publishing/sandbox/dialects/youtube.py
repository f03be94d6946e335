"""The sandbox answering the YouTube Data API v3 under /sandbox/youtube/, as the discovery document describes it.

- `POST upload/youtube/v3/videos?uploadType=resumable&part=…` with a Video body (snippet, status,
  localizations) and `X-Upload-Content-Length` → 200 with the session URL in `Location`; the metadata is
  checked as YouTube does (title required, ≤ 100 characters, description ≤ 5,000 bytes, neither with < or >,
  tags ≤ 500, localizations need snippet.defaultLanguage). The planner's `Idempotency-Key` is kept with it.
- `PUT` the session URL with `Content-Range: bytes a-b/total` (chunks of 256 KiB multiples but the last)
  → 308 Resume Incomplete with `Range: bytes=0-N`; `Content-Range: bytes */total` asks the state; the last
  byte → 200 with the Video resource (only the parts asked), the video a SandboxPost under the session's key
  and its bytes a SandboxMedia (`media.py`). `SANDBOX_YOUTUBE_AUDITED = False` in settings makes every upload
  private, as YouTube does for an unaudited API project.
- `GET youtube/v3/videos?part=…&id=…` (snippet, status, statistics, localizations), `DELETE youtube/v3/videos?id=`
  → 204, `GET youtube/v3/search?part=snippet&forMine=true&type=video&order=date` (titles HTML-escaped, as
  YouTube's search answers them), `POST oauth/token` (the refresh grant: the refresh token is kept, not rotated;
  and the code grant of connecting). The channel and its comments are in youtube_channel.py.
Errors are Google's `{"error": {"code", "message", "errors": [{"message", "domain", "reason"}]}}`. Faults:
"create" applies to the session's start (rate_limit is 403 quotaExceeded) except drop_reply, which applies to
the last chunk; "media" to the chunks (a timeout keeps half the chunk, as a connection dropped mid-upload
would); "all" to every request; "token" to oauth/token. Session state lives in files under DATA_DIR.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from publishing.sandbox import media as uploads
from publishing.sandbox import oauth, services
from publishing.sandbox.dialects import youtube_channel
from publishing.sandbox.dialects.youtube_resources import (
    PLATFORM,
    GoogleError,
    check_metadata,
    etag,
    find_video,
    google_api,
    inject,
    snippet_resource,
    video_id,
    video_resource,
)
from publishing.sandbox.models import FaultKind, FaultScope, RevokedToken, SandboxAccount, SandboxPost
from publishing.sandbox.services import NewPost, Refusal

GRANULE_BYTES = 256 * 1024
CONTENT_RANGE = re.compile(r"bytes (?:(\d+)-(\d+)|\*)/(\d+)")
VIDEO_PARTS = {"id", "snippet", "status", "localizations", "statistics"}
ACCESS_TOKEN_LIFETIME = dt.timedelta(hours=1)  # Google's access tokens: expires_in 3599
SCOPE = "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.force-ssl"


@google_api("POST", "PUT")
def upload(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    if request.method == "POST":
        return _start_session(request, account)
    return _receive_chunk(request, account)


def _start_session(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    fault = services.take_fault(account, FaultScope.CREATE, kinds=set(FaultKind.values) - {FaultKind.DROP_REPLY})
    inject(fault)
    if request.GET.get("uploadType") != "resumable":
        raise GoogleError(400, "badRequest", "The sandbox takes resumable uploads only (uploadType=resumable).")
    parts = _parts(request)
    metadata = check_metadata(_json(request), parts)
    size = request.headers.get("X-Upload-Content-Length", "")
    if not size.isdigit() or int(size) == 0:
        raise GoogleError(400, "mediaBodyRequired", "The request does not include the video content.")
    upload_id = secrets.token_urlsafe(24)
    key = services.check_idempotency_key(request.headers.get("Idempotency-Key"))
    session = {"account": account.pk, "metadata": metadata, "part": ",".join(sorted(parts)), "size": int(size),
               "key": key, "mime_type": request.headers.get("X-Upload-Content-Type", ""), "video": None}  # fmt: skip
    _save(upload_id, session)
    _bytes_path(upload_id).write_bytes(b"")
    location = request.build_absolute_uri(f"?uploadType=resumable&upload_id={upload_id}&part={session['part']}")
    return HttpResponse(status=200, headers={"Location": location, "X-GUploader-UploadID": upload_id})


def _receive_chunk(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    upload_id = request.GET.get("upload_id", "")
    session = _load(upload_id, account)
    match = CONTENT_RANGE.fullmatch(request.headers.get("Content-Range", "").strip())
    if match is None or int(match.group(3)) != session["size"]:
        raise GoogleError(400, "badRequest", "Content-Range must be bytes first-last/total or bytes */total.")
    stored = _bytes_path(upload_id)
    received = session["size"] if session["video"] else stored.stat().st_size  # the bytes go once it is complete
    if match.group(1) is None or session["video"]:  # a status query, or a chunk after the end
        inject(services.take_fault(account))
        return _state(request, session, received)
    first, last, size = (int(g) for g in match.groups())
    # Read from the stream: `request.body` refuses more than DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), and chunks are 8 MiB.
    content = request.read()
    last_chunk = last + 1 == size
    if len(content) != last - first + 1 or first > received or (not last_chunk and len(content) % GRANULE_BYTES):
        raise GoogleError(400, "badRequest", f"Chunks are multiples of {GRANULE_BYTES} bytes, from a byte received.")
    fault = services.take_fault(account, FaultScope.CREATE, kinds={FaultKind.DROP_REPLY}) if last_chunk else None
    fault = fault or services.take_fault(account, FaultScope.MEDIA)
    if fault and fault.kind == FaultKind.TIMEOUT:  # the connection dropped mid-chunk: half of it arrived
        content, last_chunk = content[: len(content) // 2], False
    with stored.open("r+b") as file:
        file.seek(first)
        file.write(content)
        file.truncate()
    if fault and fault.kind != FaultKind.DROP_REPLY:
        inject(fault)
    if not last_chunk:
        return _state(request, session, stored.stat().st_size)
    session["video"] = _store_video(account, session, stored.read_bytes())
    _save(upload_id, session)
    stored.unlink()
    if fault and fault.kind == FaultKind.DROP_REPLY:
        time.sleep(services.fault_sleep_s(fault))  # stored and committed; the reply is what gets lost
        raise GoogleError(504, "backendError", "Gateway Timeout", "global")
    return _state(request, session, session["size"])


def _state(request: HttpRequest, session: dict[str, Any], received: int) -> HttpResponse:
    if session["video"]:
        post = SandboxPost.objects.get(remote_id=session["video"])
        return JsonResponse(video_resource(request, post, set(session["part"].split(","))), status=200)
    return HttpResponse(status=308, headers={"Range": f"bytes=0-{received - 1}"} if received else {})


@transaction.atomic
def _store_video(account: SandboxAccount, session: dict[str, Any], content: bytes) -> str:
    try:
        measured = uploads.check_upload(SimpleUploadedFile("video", content), "")
    except Refusal as refusal:
        raise GoogleError(400, "invalidFile", f"The uploaded file is not a video: {refusal.body}") from refusal
    if measured.type != "video":
        raise GoogleError(400, "invalidFile", "The uploaded file is not a video.")
    media = uploads.store_media(account, measured, "")
    snippet = session["metadata"].get("snippet", {})
    text = f"{snippet.get('title', '')}\n\n{snippet.get('description', '')}".strip()  # as the timeline shows it
    new = NewPost(text=text, link="", media=[{"id": media.remote_id}], reply_to="",
                  payload=session["metadata"] | {"part": session["part"]})  # fmt: skip
    post, _created = services.store_post(account, new, session["key"])
    return post.remote_id


@google_api("GET", "DELETE")
def videos(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    inject(services.take_fault(account))
    ids = [i for i in request.GET.get("id", "").split(",") if i]
    if request.method == "DELETE":
        found = find_video(account, ids[0] if len(ids) == 1 else "")
        services.delete_post(account, found.remote_id)
        return HttpResponse(status=204)
    parts = _parts(request)
    posts = [post for video_id in ids if (post := find_video(account, video_id, missing_ok=True))]
    return JsonResponse({
        "kind": "youtube#videoListResponse", "etag": etag(ids), "items": [video_resource(request, p, parts) for p in posts],
        "pageInfo": {"totalResults": len(posts), "resultsPerPage": len(posts)},
    })  # fmt: skip


@google_api("GET")
def search(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    inject(services.take_fault(account))
    if _parts(request) != {"snippet"}:
        raise GoogleError(400, "invalidPart", "search.list takes part=snippet.", "youtube.part")
    if request.GET.get("forMine") != "true" or request.GET.get("type") != "video":
        raise GoogleError(
            400, "invalidSearchFilter", "The sandbox searches forMine=true&type=video only.", "youtube.search"
        )
    limit = min(int(request.GET.get("maxResults", "5") or 5), 50)
    posts = account.posts.filter(reply_to="", deleted_at__isnull=True).order_by("-received_at", "-pk")[:limit]
    items = [{"kind": "youtube#searchResult", "etag": etag([p.remote_id]),
              "id": {"kind": "youtube#video", "videoId": video_id(p.remote_id)},
              "snippet": snippet_resource(request, p) | {"title": html.escape(p.payload.get("snippet", {}).get("title", ""))}}
             for p in posts]  # fmt: skip
    for item in items:
        for name in ("tags", "categoryId", "defaultLanguage", "localized"):
            item["snippet"].pop(name, None)  # a search result's snippet is the short one (SearchResultSnippet)
    return JsonResponse({"kind": "youtube#searchListResponse", "etag": etag([]), "regionCode": "FR",
                         "pageInfo": {"totalResults": len(items), "resultsPerPage": limit}, "items": items})  # fmt: skip


@csrf_exempt
def oauth_token(request: HttpRequest) -> HttpResponse:
    """POST oauth/token, as Google's: the refresh grant (a form) answers a new access token, no new refresh token."""
    if not settings.PLANNER_SANDBOX_ENABLED or request.method != "POST":
        return JsonResponse({"error": "invalid_request"}, status=404 if request.method == "POST" else 405)
    if request.POST.get("grant_type") == "authorization_code":
        return _exchange_code(request)
    try:
        account, _scope = oauth.check_refresh_grant(PLATFORM, request.POST.dict() | {"scope": ""})
    except Refusal as refusal:
        return JsonResponse(refusal.body, status=refusal.status)
    if (fault := services.take_fault(account, FaultScope.TOKEN)) is not None:
        if fault.kind == FaultKind.UNAUTHORIZED:
            return JsonResponse({"error": "invalid_client", "error_description": "Unauthorized"}, status=401)
        if fault.kind in (FaultKind.LATENCY, FaultKind.TIMEOUT):
            time.sleep(services.fault_sleep_s(fault))
        if fault.kind != FaultKind.LATENCY:
            return JsonResponse({"error": "internal_failure"}, status=503 if fault.kind != FaultKind.TIMEOUT else 504)
    token, now = "ya29." + secrets.token_urlsafe(48), timezone.now()
    with transaction.atomic():
        RevokedToken.objects.create(account=account, kind=RevokedToken.Kind.ACCESS, token=account.token, revoked_at=now)
        SandboxAccount.objects.filter(pk=account.pk).update(token=token, token_expires_at=now + ACCESS_TOKEN_LIFETIME)
    lifetime = int(ACCESS_TOKEN_LIFETIME.total_seconds()) - 1
    return JsonResponse({"access_token": token, "expires_in": lifetime, "scope": SCOPE, "token_type": "Bearer"},
                        headers={"Cache-Control": "no-store"})  # fmt: skip


def _exchange_code(request: HttpRequest) -> HttpResponse:
    """The code grant, answered as Google's (identity/protocols/oauth2/web-server#exchange-authorization-code)."""
    try:
        tokens = oauth.exchange_code(PLATFORM, oauth.check_code_grant(PLATFORM, request.POST))
    except Refusal as refusal:
        return JsonResponse(refusal.body, status=refusal.status)
    answer = {name: tokens[name] for name in ("access_token", "expires_in", "refresh_token", "scope", "token_type")}
    return JsonResponse(answer, headers={"Cache-Control": "no-store"})


def _parts(request: HttpRequest) -> set[str]:
    parts = {p.strip() for p in request.GET.get("part", "").split(",") if p.strip()}
    if not parts:
        raise GoogleError(400, "required", "Required parameter: part", "global")
    if unknown := parts - VIDEO_PARTS:
        raise GoogleError(400, "unknownPart", f"{', '.join(sorted(unknown))}", "youtube.part")
    return parts


def _json(request: HttpRequest) -> object:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise GoogleError(400, "parseError", "Parse Error", "global") from None


def _bytes_path(upload_id: str) -> Path:
    return uploads.pending_uploads(PLATFORM) / f"{upload_id}.bin"


def _save(upload_id: str, session: dict[str, Any]) -> None:
    (uploads.pending_uploads(PLATFORM) / f"{upload_id}.json").write_text(json.dumps(session))


def _load(upload_id: str, account: SandboxAccount) -> dict[str, Any]:
    file = uploads.pending_uploads(PLATFORM) / f"{upload_id}.json"
    if not re.fullmatch(r"[\w-]+", upload_id) or not file.exists():
        raise GoogleError(404, "notFound", "The upload session does not exist or expired.", "global")
    session = json.loads(file.read_text())
    if session["account"] != account.pk:
        raise GoogleError(403, "forbidden", "The upload session belongs to another account.", "global")
    return session


# Left unnamed, as the generic dialect's (see publishing/sandbox/urls.py).
urlpatterns = [
    path("upload/youtube/v3/videos", upload),
    path("youtube/v3/videos", videos),
    path("youtube/v3/search", search),
    path("oauth/token", oauth_token),
    path("youtube/v3/channels", youtube_channel.channels),
    path("youtube/v3/commentThreads", youtube_channel.comment_threads),
]
