"""The sandbox answering the Graph API of Facebook Pages under /sandbox/facebook/v<version>/<path>.

- POST /{page-id}/feed (`message`, `link`, `attached_media` as a JSON list of {"media_fbid"}) →
  {"id": "<page-id>_<post-id>"}, a SandboxPost under the Idempotency-Key header (Meta has none and
  ignores it; the planner sends it).
- POST /{page-id}/photos with `url`: the sandbox FETCHES it, as Meta does; `published=false` keeps it for
  a later feed post (→ {"id"}), else it is a post of its own with `caption` (→ {"id", "post_id"}).
- POST /{page-id}/videos with `file_url` (fetched, a video) and `description` → {"id"}, the post.
- GET /{page-id}/published_posts and /feed (`fields`, `limit`; comments left out), GET and DELETE
  /{post-id}, GET /{post-id}/insights?metric=post_total_media_view_unique,post_clicks,post_reactions_like_total
  (a photo or feed post) or /{video-id}/video_insights?metric=total_video_views,… (a video), POST
  /{post-id}/comments with `message` (→ {"id": "<post-id>_<comment-id>"}).
- GET /oauth/access_token?grant_type=fb_exchange_token and GET /me/accounts: connecting (meta_tokens.py).
Pages: "me" or `user_id_for(account)`. Errors and faults as meta.py answers them ("media" is an
unpublished photo's upload, "create" every call that makes a post, "all" every call).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from publishing.platform_rules import rules_for
from publishing.sandbox import services
from publishing.sandbox.dialects import graph, meta_tokens
from publishing.sandbox.dialects.graph import user_id_for
from publishing.sandbox.models import FaultKind, FaultScope, SandboxAccount, SandboxFault, SandboxMedia, SandboxPost
from publishing.sandbox.services import NewPost, Refusal

PLATFORM = "facebook"
# What the sandbox can measure of Facebook's photo types (BMP and TIFF it cannot read).
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif")
LIST_DEFAULT, LIST_MAX = 25, 100
# post_impressions is refused since 15 November 2025 (docs/platforminsights/page/deprecated-metrics), as Meta does.
METRICS = {"post_total_media_view_unique": "impressions", "post_clicks": "clicks", "post_reactions_like_total": "likes"}
# docs/video-api/guides/insights
VIDEO_METRICS = {"total_video_views": "impressions", "total_video_views_unique": "impressions",
                 "total_video_avg_time_watched": "clicks", "total_video_complete_views": "likes"}  # fmt: skip
COMMENT_MAX_CHARS = 8000  # the sandbox's figure: Facebook documents none


@csrf_exempt  # an API called with a bearer token, never by a browser form
def dispatch(request: HttpRequest, path: str) -> HttpResponse:
    if not settings.PLANNER_SANDBOX_ENABLED:
        return graph.answer(graph.GraphError(803, "Some of the aliases you requested do not exist", status=404))
    params = graph.parameters(request)
    if path.strip("/") == "oauth/access_token" and request.method == "GET":
        return meta_tokens.exchange(request, PLATFORM)
    try:
        account = graph.account_of(PLATFORM, graph.bearer(request))
        page = user_id_for(account)
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] in ("me", page):
            view = {("POST", "feed"): feed, ("POST", "photos"): photos, ("POST", "videos"): videos,
                    ("GET", "feed"): published_posts, ("GET", "published_posts"): published_posts,
                    ("GET", "accounts"): lambda _request, user, _page, asked: meta_tokens.pages(user, asked),
                    }.get((request.method, parts[1]))  # fmt: skip
            if view is None:
                raise graph.unsupported(request.method, parts[1])
            return JsonResponse(view(request, account, page, params))
        post = _post(account, parts[0])
        is_video = post.payload.get("kind") == "video"
        if len(parts) == 2 and parts[1] == ("video_insights" if is_video else "insights") and request.method == "GET":
            return JsonResponse(insights(account, post, params, VIDEO_METRICS if is_video else METRICS))
        if len(parts) == 2 and parts[1] == "comments" and request.method == "POST":
            return JsonResponse(comment(request, account, post, params))
        if len(parts) == 1 and request.method in ("GET", "DELETE"):
            graph.inject(services.take_fault(account))
            if request.method == "DELETE":
                services.delete_post(account, post.remote_id)
                return JsonResponse({"success": True})
            return JsonResponse(graph.select_fields(_described(request, page, post), params))
        raise graph.unsupported(request.method, parts[-1])
    except Refusal as refusal:
        return graph.answer(graph.GraphError(100, json.dumps(refusal.body)))
    except graph.GraphError as error:
        return graph.answer(error)
    except graph.GatewayTimeout:
        return HttpResponse("Gateway Timeout", status=504, content_type="text/plain")


def feed(request: HttpRequest, account: SandboxAccount, page: str, params: dict[str, str]) -> dict[str, Any]:
    fault = _create_fault(account)
    text, link = params.get("message", ""), params.get("link", "")
    try:
        attached = [str(m["media_fbid"]) for m in json.loads(params.get("attached_media") or "[]")]
    except (ValueError, TypeError, KeyError):
        raise graph.GraphError(100, "Param attached_media must be a JSON array of {media_fbid}") from None
    if not (text or link or attached):
        raise graph.GraphError(100, "(#100) Missing message or attachment")
    if len(text) > rules_for(PLATFORM).text_limit:
        raise graph.GraphError(100, "(#100) The message is too long")
    found = {m.remote_id: m for m in account.media.filter(remote_id__in=attached, post__isnull=True)}
    if missing := [m for m in attached if m not in found]:
        raise graph.GraphError(100, f"(#100) attached_media {missing} are not unpublished photos of this Page")
    media = [{"id": m, "alt": found[m].description} for m in attached]
    post = _store(request, account, NewPost(text, link, media, "", {"kind": "feed", **params}), fault)
    return {"id": f"{page}_{post.remote_id}"}


def photos(request: HttpRequest, account: SandboxAccount, page: str, params: dict[str, str]) -> dict[str, Any]:
    published = params.get("published", "true") != "false"
    fault = _create_fault(account) if published else graph.inject(services.take_fault(account, FaultScope.MEDIA))
    if not published and fault and fault.kind == FaultKind.REJECT:
        raise graph.GraphError(368, "The action attempted has been deemed abusive or is otherwise disallowed")
    item = graph.fetch_media(account, params.get("url", ""), params.get("alt_text_custom", ""), IMAGE_TYPES)
    if not published:
        return {"id": item["id"]}
    post = _store(
        request, account, NewPost(params.get("caption", ""), "", [item], "", {"kind": "photo", **params}), fault
    )
    return {"id": item["id"], "post_id": f"{page}_{post.remote_id}"}


def videos(request: HttpRequest, account: SandboxAccount, page: str, params: dict[str, str]) -> dict[str, Any]:
    fault = _create_fault(account)
    item = graph.fetch_media(account, params.get("file_url", ""), "", IMAGE_TYPES)
    if SandboxMedia.objects.get(remote_id=item["id"]).type != "video":
        raise graph.GraphError(352, "The video file you selected is in a format that we don't support.")
    post = _store(
        request, account, NewPost(params.get("description", ""), "", [item], "", {"kind": "video", **params}), fault
    )
    return {"id": post.remote_id}


def published_posts(request: HttpRequest, account: SandboxAccount, page: str, params: dict[str, str]) -> dict:
    graph.inject(services.take_fault(account))
    limit = min(max(int(params.get("limit") or LIST_DEFAULT), 1), LIST_MAX)
    posts = account.posts.filter(deleted_at__isnull=True, reply_to="").order_by("-received_at", "-pk")[:limit]
    return {"data": [graph.select_fields(_described(request, page, p), params) for p in posts]}


def insights(account: SandboxAccount, post: SandboxPost, params: dict[str, str], known: dict[str, str]) -> dict:
    graph.inject(services.take_fault(account))
    names = [m for m in params.get("metric", "").split(",") if m]
    if not names or any(m not in known for m in names):
        raise graph.GraphError(100, f"(#100) The value must be a valid insights metric: {', '.join(known)}")
    counts, edge = services.metrics_for(post), "video_insights" if known is VIDEO_METRICS else "insights"
    return {"data": [{"name": m, "period": "lifetime", "values": [{"value": counts[known[m]]}], "title": m,
                      "description": "", "id": f"{post.remote_id}/{edge}/{m}/lifetime"} for m in names]}  # fmt: skip


def comment(request: HttpRequest, account: SandboxAccount, post: SandboxPost, params: dict[str, str]) -> dict:
    """POST /{object-id}/comments with `message` (graph-api/reference/object/comments#publish), kept as a reply."""
    _create_fault(account)
    if post.reply_to:
        raise graph.unsupported("POST", post.remote_id)  # the sandbox keeps comments one level deep
    if not (text := params.get("message", "")).strip() or len(text) > COMMENT_MAX_CHARS:
        raise graph.GraphError(100, f"(#100) Param message must be 1 to {COMMENT_MAX_CHARS} characters long")
    new = NewPost(text, "", [], post.remote_id, {"kind": "comment", "message": text})
    stored = _store(request, account, new, None)
    return {"id": f"{post.remote_id}_{stored.remote_id}"}


urlpatterns = [re_path(r"^v\d+\.\d+/(?P<path>.+)$", dispatch)]


def _create_fault(account: SandboxAccount) -> SandboxFault | None:
    fault = graph.inject(services.take_fault(account, FaultScope.CREATE))
    if fault and fault.kind == FaultKind.REJECT:
        raise graph.GraphError(368, "The action attempted has been deemed abusive or is otherwise disallowed")
    return fault


def _store(request: HttpRequest, account: SandboxAccount, new: NewPost, fault: SandboxFault | None) -> SandboxPost:
    post, _created = services.store_post(
        account, new, services.check_idempotency_key(request.headers.get("Idempotency-Key"))
    )
    if fault and fault.kind == FaultKind.DROP_REPLY:
        time.sleep(services.fault_sleep_s(fault))  # stored and committed; the reply is what gets lost
        raise graph.GatewayTimeout
    return post


def _post(account: SandboxAccount, post_id: str) -> SandboxPost:
    """A post by its Graph id: "<page-id>_<post-id>" for feed and photo posts, the bare id for a video."""
    post = account.posts.filter(remote_id=post_id.rpartition("_")[2], deleted_at__isnull=True).first()
    if post is None:
        raise graph.unsupported("get", post_id)
    return post


def _described(request: HttpRequest, page: str, post: SandboxPost) -> dict[str, Any]:
    graph_id = post.remote_id if post.payload.get("kind") == "video" else f"{page}_{post.remote_id}"
    return {
        "id": graph_id, "message": post.text, "created_time": post.received_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "permalink_url": request.build_absolute_uri(f"/sandbox/{PLATFORM}/posts/{post.remote_id}"),
    }  # fmt: skip
