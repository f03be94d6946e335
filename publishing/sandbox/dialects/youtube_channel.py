"""The sandbox's YouTube channel and comments, under /sandbox/youtube/ (the dialect's other half, youtube.py).

- `GET youtube/v3/channels?part=snippet&mine=true` → a ChannelListResponse with the token's own channel: its id
  (`UCsandbox…`), its title and its handle as `snippet.customUrl` (https://developers.google.com/youtube/v3/docs/
  channels/list); an invalid token is Google's 401 authError, as on every endpoint.
- `POST youtube/v3/commentThreads?part=snippet` with `{"snippet": {"videoId", "topLevelComment": {"snippet":
  {"textOriginal"}}}}` → the CommentThread created (commentThreads/insert), kept as a SandboxPost replying to the
  video; errors as its documentation names them: 400 channelOrVideoIdMissing, invalidCommentThreadMetadata
  (no text), commentTextTooLong; 404 videoNotFound (a video of the account only). Faults: "create" (drop_reply
  stores the comment, then answers 504).
- `GET youtube/v3/commentThreads?part=snippet&videoId=…` → a CommentThreadListResponse, newest first.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from publishing.adapters.youtube_metadata import COMMENT_MAX_CHARS
from publishing.sandbox import services, views
from publishing.sandbox.dialects.youtube_resources import (
    GoogleError,
    channel_id,
    etag,
    find_video,
    google_api,
    inject,
    video_id,
)
from publishing.sandbox.models import FaultKind, FaultScope, SandboxAccount, SandboxPost
from publishing.sandbox.services import NewPost

COMMENT_PAGE_MAX = 100  # commentThreads.list maxResults: 1 to 100


@google_api("GET")
def channels(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    inject(services.take_fault(account))
    parts = {p for p in request.GET.get("part", "").split(",") if p}
    if not parts or parts - {"id", "snippet"}:
        raise GoogleError(400, "invalidPart", "The sandbox lists channels with part=id,snippet.", "youtube.part")
    if request.GET.get("mine") != "true":
        raise GoogleError(400, "missingRequiredParameter", "The sandbox lists mine=true only.", "youtube.parameter")
    channel: dict[str, Any] = {"kind": "youtube#channel", "etag": etag([str(account.pk)]), "id": channel_id(account)}
    if "snippet" in parts:
        title = f"Sandbox channel {account.pk}"
        channel["snippet"] = {
            "title": title, "description": "", "customUrl": f"@sandbox{account.pk}",
            "publishedAt": views._instant(account.created_at), "localized": {"title": title, "description": ""},
        }  # fmt: skip
    return JsonResponse({"kind": "youtube#channelListResponse", "etag": etag([]),
                         "pageInfo": {"totalResults": 1, "resultsPerPage": 5}, "items": [channel]})  # fmt: skip


@google_api("GET", "POST")
def comment_threads(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    if request.GET.get("part") != "snippet":
        raise GoogleError(400, "invalidPart", "The sandbox takes part=snippet.", "youtube.part")
    if request.method == "GET":
        inject(services.take_fault(account))
        video = find_video(account, request.GET.get("videoId", ""))
        limit = min(int(request.GET.get("maxResults") or 20), COMMENT_PAGE_MAX)
        comments = account.posts.filter(reply_to=video.remote_id, deleted_at__isnull=True)
        items = [_thread(request, account, c) for c in comments.order_by("-received_at", "-pk")[:limit]]
        return JsonResponse({"kind": "youtube#commentThreadListResponse", "etag": etag([]),
                             "pageInfo": {"totalResults": len(items), "resultsPerPage": limit}, "items": items})  # fmt: skip
    fault = services.take_fault(account, FaultScope.CREATE)
    inject(fault if fault is None or fault.kind != FaultKind.DROP_REPLY else None)
    body = views._json_body(request)
    snippet = body.get("snippet") if isinstance(body, dict) else None
    if not isinstance(snippet, dict) or not snippet.get("videoId"):
        raise GoogleError(400, "channelOrVideoIdMissing", "The comment thread must specify a video.", "youtube.comment")
    video = find_video(account, str(snippet["videoId"]))
    text = ((snippet.get("topLevelComment") or {}).get("snippet") or {}).get("textOriginal")
    if not isinstance(text, str) or not text.strip():
        raise GoogleError(400, "invalidCommentThreadMetadata", "The request metadata is invalid.", "youtube.comment")
    if len(text) > COMMENT_MAX_CHARS:
        raise GoogleError(400, "commentTextTooLong", "The comment has too many characters.", "youtube.comment")
    new = NewPost(text=text, link="", media=[], reply_to=video.remote_id, payload={"snippet": snippet})
    comment, _created = services.store_post(account, new, None)
    if fault and fault.kind == FaultKind.DROP_REPLY:
        time.sleep(services.fault_sleep_s(fault))  # stored and committed; the reply is what gets lost
        raise GoogleError(504, "backendError", "Gateway Timeout", "global")
    return JsonResponse(_thread(request, account, comment))


def _thread(request: HttpRequest, account: SandboxAccount, comment: SandboxPost) -> dict[str, Any]:
    """The CommentThread of a stored comment (commentThreads#resource), its top-level comment the comment itself."""
    at, video, thread_id = (
        views._instant(comment.received_at),
        video_id(comment.reply_to),
        f"Ugz{video_id(comment.remote_id)}",
    )
    top = {
        "channelId": channel_id(account), "videoId": video, "textDisplay": comment.text, "textOriginal": comment.text,
        "authorDisplayName": f"@sandbox{account.pk}", "authorChannelUrl": f"http://www.youtube.com/@sandbox{account.pk}",
        "authorProfileImageUrl": request.build_absolute_uri("/static/sandbox/avatar.png"),
        "authorChannelId": {"value": channel_id(account)}, "canRate": True, "viewerRating": "none", "likeCount": 0,
        "publishedAt": at, "updatedAt": at,
    }  # fmt: skip
    return {
        "kind": "youtube#commentThread", "etag": etag([comment.remote_id]), "id": thread_id,
        "snippet": {"channelId": channel_id(account), "videoId": video, "canReply": True, "totalReplyCount": 0,
                    "isPublic": True, "topLevelComment": {"kind": "youtube#comment", "etag": etag([comment.remote_id]),
                                                          "id": thread_id, "snippet": top}},
    }  # fmt: skip
