"""The YouTube resources the sandbox's YouTube dialect answers and checks (youtube.v3.discovery.json `schemas`).

The Video resource of a stored upload (videos#resource) with the parts asked for, its snippet, the metadata
of a videos.insert checked as YouTube checks it (videos/insert#errors), Google's error body, and what every view
of the dialect does first (`google_api`: the bearer's account; `inject`: the fault it takes).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from publishing.adapters.youtube_metadata import DESCRIPTION_MAX_BYTES, TAGS_MAX_CHARS, TITLE_MAX_CHARS, tags_length
from publishing.sandbox import services, views
from publishing.sandbox.models import FaultKind, SandboxAccount, SandboxPost
from publishing.sandbox.services import Refusal

PLATFORM = "youtube"
THUMBNAILS = {"default": (120, 90), "medium": (320, 180), "high": (480, 360)}


class GoogleError(Exception):
    def __init__(self, code: int, reason: str, message: str, domain: str = "youtube.api", **headers: str) -> None:
        super().__init__(message)
        self.code, self.reason, self.message, self.domain, self.headers = code, reason, message, domain, headers

    def answer(self) -> JsonResponse:
        detail = {"message": self.message, "domain": self.domain, "reason": self.reason}
        body = {"error": {"code": self.code, "message": self.message, "errors": [detail]}}
        return JsonResponse(body, status=self.code, headers=self.headers or None)


FAULTS = {
    FaultKind.SERVER_ERROR: (503, "backendError", "Backend Error", "global"),
    FaultKind.UNAUTHORIZED: (401, "authError", "Invalid Credentials", "global"),
    FaultKind.REJECT: (400, "invalidVideoMetadata", "The request metadata is invalid (sandbox fault).", "youtube.video"),
    FaultKind.RATE_LIMIT: (403, "quotaExceeded", "The request cannot be completed because you have exceeded your "
                           "<a href=\"/youtube/v3/getting-started#quota\">quota</a>.", "youtube.quota"),
}  # fmt: skip


def google_api(*methods: str) -> Callable[..., Callable[..., HttpResponse]]:
    """A view of the dialect: sandbox on, method allowed, the bearer's account, Google's error bodies."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt  # an API called with a bearer token, never by a browser form
        @wraps(view)
        def wrapper(request: HttpRequest) -> HttpResponse:
            try:
                if not settings.PLANNER_SANDBOX_ENABLED:
                    raise GoogleError(404, "notFound", "Not Found", "global")
                if request.method not in methods:
                    raise GoogleError(405, "httpMethodNotAllowed", f"{request.method} is not allowed", "global")
                token = views._bearer_token(request)
                if not token:
                    raise GoogleError(401, "required", "Login Required.", "global")
                try:
                    account = services.account_for(PLATFORM, token)
                except Refusal as refusal:
                    challenge = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
                    raise GoogleError(
                        401, "authError", "Invalid Credentials", "global", **{"WWW-Authenticate": challenge}
                    ) from refusal
                return view(request, account)
            except GoogleError as error:
                return error.answer()

        return wrapper

    return decorate


def find_video(account: SandboxAccount, video: str, *, missing_ok: bool = False) -> SandboxPost | None:
    """The account's video of this id, not deleted (its comments are posts too, never videos); else 404."""
    found = account.posts.filter(remote_id=remote_id_of(video), reply_to="", deleted_at__isnull=True)
    post = found.first() if video else None
    if post is None and not missing_ok:
        raise GoogleError(
            404, "videoNotFound", "The video that you are trying to use cannot be found.", "youtube.video"
        )
    return post


def inject(fault: services.SandboxFault | None) -> None:
    """Raise the answer a fault imposes now, or return to go on (after its latency)."""
    if fault is None:
        return
    if fault.kind in (FaultKind.LATENCY, FaultKind.TIMEOUT):
        time.sleep(services.fault_sleep_s(fault))
        if fault.kind == FaultKind.TIMEOUT:
            raise GoogleError(504, "backendError", "Gateway Timeout", "global")
        return
    code, reason, message, domain = FAULTS[fault.kind]
    raise GoogleError(code, reason, message, domain)


def video_id(remote_id: str) -> str:
    """A YouTube-looking video id (11 base64url characters) for a sandbox post's numeric remote id."""
    return base64.urlsafe_b64encode(int(remote_id).to_bytes(8, "big")).decode().rstrip("=")


def remote_id_of(video: str) -> str:
    try:
        return str(int.from_bytes(base64.urlsafe_b64decode(video + "=")))
    except (ValueError, TypeError):
        return ""


def video_resource(request: HttpRequest, post: SandboxPost, parts: set[str]) -> dict[str, Any]:
    """The Video resource of a stored upload, with the parts asked for (videos#resource)."""
    payload, video = (
        post.payload,
        {"kind": "youtube#video", "etag": etag([post.remote_id]), "id": video_id(post.remote_id)},
    )
    stored_parts = set(payload.get("part", "").split(","))
    if "snippet" in parts:
        video["snippet"] = snippet_resource(request, post)
    if "status" in parts:
        asked = payload.get("status", {}).get("privacyStatus", "public")
        private = not getattr(settings, "SANDBOX_YOUTUBE_AUDITED", True)
        video["status"] = {"uploadStatus": "uploaded", "privacyStatus": "private" if private else asked,
                           "license": "youtube", "embeddable": True, "publicStatsViewable": True}  # fmt: skip
    if "localizations" in parts and "localizations" in stored_parts and payload.get("localizations"):
        video["localizations"] = payload["localizations"]
    if "statistics" in parts:
        metrics = services.metrics_for(post)
        video["statistics"] = {"viewCount": str(metrics["impressions"]), "likeCount": str(metrics["likes"]),
                               "favoriteCount": "0", "commentCount": str(metrics["replies"])}  # fmt: skip
    return video


def snippet_resource(request: HttpRequest, post: SandboxPost) -> dict[str, Any]:
    snippet, base = post.payload.get("snippet", {}), request.build_absolute_uri(reverse("sandbox:timeline"))
    found = {
        "publishedAt": views._instant(post.received_at), "channelId": channel_id(post.account),
        "title": snippet.get("title", ""), "description": snippet.get("description", ""),
        "thumbnails": {name: {"url": f"{base}youtube/vi/{video_id(post.remote_id)}/{name}.jpg", "width": w, "height": h}
                       for name, (w, h) in THUMBNAILS.items()},
        "channelTitle": f"Sandbox channel {post.account.pk}", "categoryId": snippet.get("categoryId", "22"),
        "liveBroadcastContent": "none", "localized": {"title": snippet.get("title", ""), "description": snippet.get("description", "")},
    }  # fmt: skip
    for name in ("tags", "defaultLanguage"):
        if snippet.get(name):
            found[name] = snippet[name]
    return found


def check_metadata(body: object, parts: set[str]) -> dict[str, Any]:
    """A videos.insert body checked as YouTube checks it (videos/insert#errors); the parts not asked are dropped."""
    if not isinstance(body, dict):
        raise GoogleError(400, "invalidVideoMetadata", "The request metadata is invalid.", "youtube.video")
    snippet = body.get("snippet") if "snippet" in parts else None
    if not isinstance(snippet, dict) or not isinstance(title := snippet.get("title"), str) or not title.strip():
        raise GoogleError(
            400, "invalidTitle", "The request metadata specifies an invalid or empty video title.", "youtube.video"
        )
    description = snippet.get("description", "")
    if len(title) > TITLE_MAX_CHARS or set("<>") & set(title):
        raise GoogleError(
            400, "invalidTitle", "The request metadata specifies an invalid video title.", "youtube.video"
        )
    if (
        not isinstance(description, str)
        or len(description.encode()) > DESCRIPTION_MAX_BYTES
        or set("<>") & set(description)
    ):
        raise GoogleError(
            400, "invalidDescription", "The request metadata specifies an invalid video description.", "youtube.video"
        )
    if tags_length(snippet.get("tags") or []) > TAGS_MAX_CHARS:
        raise GoogleError(400, "invalidTags", "The request metadata specifies invalid video keywords.", "youtube.video")
    if body.get("localizations") and "localizations" in parts and not snippet.get("defaultLanguage"):
        raise GoogleError(400, "defaultLanguageNotSet", "The request is trying to add localized video details without "
                          "specifying the default language of the video details.", "youtube.video")  # fmt: skip
    return {name: value for name, value in body.items() if name in parts}


def channel_id(account: SandboxAccount) -> str:
    return f"UCsandbox{account.pk:013d}"


def etag(ids: list[str]) -> str:
    return base64.urlsafe_b64encode(",".join(ids).encode()).decode()[:27] or "sandbox"
