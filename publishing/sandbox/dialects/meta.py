"""The sandbox answering Meta's Graph API for Instagram and Threads, as the container protocol has it.

Addresses: /sandbox/instagram/v<version>/<path> and /sandbox/threads/v<version>/<path> (any version:
an account's api_base_url is the host, as https://graph.facebook.com/ or https://graph.threads.net/,
and the adapter adds the version), plus /sandbox/<platform>/refresh_access_token. Paths without a
version stay the generic dialect's (posts, media, faults, oauth/token).

- POST /{user-id}/media (Instagram) or /{user-id}/threads: a container. The sandbox FETCHES image_url
  or video_url, as Meta does (in the tests the planner's signed address on the same live server), and
  refuses what it cannot download, what is not an image or video, a non-JPEG on Instagram and an
  aspect ratio outside 4:5 to 1.91:1 there. A container is IN_PROGRESS for CONTAINER_PROCESSING, then
  FINISHED (a carousel once all its items are); it lives in Django's cache for 24 hours, as Meta's
  expire (with several web processes the cache must be shared).
- GET /{container-id}?fields=status_code (Threads: status) → IN_PROGRESS, FINISHED, ERROR, PUBLISHED.
- POST /{user-id}/media_publish or /threads_publish with creation_id → {"id"}: a SandboxPost filed under
  the Idempotency-Key header (Meta has none and ignores it; the planner sends it), else the container.
  Over the day's quota (100 on Instagram, 250 on Threads, counted from the stored posts) it is error
  9/2207042; a container not finished is 9007/2207027.
- GET /{user-id}/content_publishing_limit or /threads_publishing_limit, GET /{user-id}/media or /threads
  (recent posts, `since`, `limit`, `fields`), GET /{media-id}, GET /{media-id}/insights?metric=…,
  DELETE /{media-id} (Threads only: Instagram's API has no delete), GET /me (meta_tokens.py), and
  POST /{ig-media-id}/comments with `message` (a comment, stored as a post replying to the media).
- Instagram takes REELS (a video_url that must be a video) and VIDEO as a carousel item only; Threads takes
  `reply_to_id` (one of the account's posts): a reply, which /me/threads and the quota leave out. The
  Reels' own insights (ig_reels_avg_watch_time…) are refused for a feed post; a container past its 24
  hours is EXPIRED. GET /<platform>/access_token exchanges a short-lived token (meta_tokens.py).
Users: "me" or the id `user_id_for(account)`. Errors are {"error": {"message", "type", "code",
"error_subcode", "fbtrace_id"}}, with 400 as Meta answers. Faults: "media" is the container call,
"create" the publish call, "token" the refresh, "all" every call; `reject` on media makes the container
end in ERROR, on create error 368; a rate limit is code 4 with X-Business-Use-Case-Usage.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from publishing.platform_rules import SCHEME_URL, rules_for
from publishing.sandbox import services
from publishing.sandbox.dialects import graph, meta_tokens
from publishing.sandbox.dialects.graph import user_id_for
from publishing.sandbox.dialects.meta_tokens import LONG_LIVED_TOKEN
from publishing.sandbox.models import FaultKind, FaultScope, MediaType, RevokedToken, SandboxAccount, SandboxMedia
from publishing.sandbox.services import NewPost, Refusal

CONTAINER_PROCESSING = dt.timedelta(milliseconds=300)
CONTAINER_LIFETIME_S = 24 * 3600  # "containers expire after 24 hours" (content publishing, Limitations)
LIST_DEFAULT, LIST_MAX = 25, 100
QUOTA_DURATION_S = 86_400
ASPECT = (4 / 5, 1.91)  # Instagram's feed images, 4:5 to 1.91:1
# docs/instagram-platform/reference/instagram-media/insights: the Reels' own metrics.
REELS_ONLY_METRICS = {"ig_reels_avg_watch_time", "ig_reels_video_view_total_time"}
COMMENT_MAX_CHARS = 2200  # an Instagram comment, as a caption


@dataclass(frozen=True)
class Dialect:
    platform: str
    container_edge: str
    publish_edge: str
    limit_edge: str
    status_field: str
    text_field: str
    quota_total: int
    image_types: tuple[str, ...]
    max_items: int
    refresh_grant: str
    metrics: dict[str, str]  # the platform's metric name → the sandbox's metric it reports
    can_delete: bool


DIALECTS = {
    "instagram": Dialect(
        "instagram", "media", "media_publish", "content_publishing_limit", "status_code", "caption", 100,
        ("image/jpeg",), 10, "ig_refresh_token",
        {"reach": "impressions", "views": "impressions", "likes": "likes", "comments": "replies", "shares": "shares",
         "saved": "clicks", "total_interactions": "likes", "ig_reels_avg_watch_time": "clicks",
         "ig_reels_video_view_total_time": "impressions"},
        can_delete=False,
    ),
    "threads": Dialect(
        "threads", "threads", "threads_publish", "threads_publishing_limit", "status", "text", 250,
        ("image/jpeg", "image/png"), 20, "th_refresh_token",
        {"views": "impressions", "likes": "likes", "replies": "replies", "reposts": "shares", "quotes": "replies",
         "shares": "shares"},
        can_delete=True,
    ),
}  # fmt: skip


@csrf_exempt  # an API called with a bearer token, never by a browser form
def dispatch(request: HttpRequest, platform: str, path: str) -> HttpResponse:
    if not settings.PLANNER_SANDBOX_ENABLED:
        return graph.answer(graph.GraphError(803, "Some of the aliases you requested do not exist", status=404))
    dialect, params = DIALECTS[platform], graph.parameters(request)
    try:
        token = graph.bearer(request)
        account = graph.account_of(platform, token)
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] in ("me", user_id_for(account)):
            view = {
                ("POST", dialect.container_edge): create_container, ("GET", dialect.container_edge): list_posts,
                ("POST", dialect.publish_edge): publish, ("GET", dialect.limit_edge): publishing_limit,
            }.get((request.method, parts[1]))  # fmt: skip
        elif len(parts) == 2 and parts[1] == "insights" and request.method == "GET":
            return JsonResponse(insights(request, account, dialect, params, parts[0]))
        elif len(parts) == 2 and parts[1] == "comments" and request.method == "POST" and platform == "instagram":
            return JsonResponse(comment(account, params, parts[0]))
        elif len(parts) == 1 and parts[0] in ("me", user_id_for(account)) and request.method == "GET":
            return JsonResponse(meta_tokens.profile(account, platform, params))
        elif len(parts) == 1 and request.method in ("GET", "DELETE"):
            return JsonResponse(node(request, account, dialect, params, parts[0]))
        else:
            view = None
        if view is None:
            raise graph.unsupported(request.method, parts[-1])
        return JsonResponse(view(request, account, dialect, params))
    except Refusal as refusal:  # the services' own refusals (a bad `since`, a deleted post's key)
        return graph.answer(graph.GraphError(100, json.dumps(refusal.body), status=400))
    except graph.GraphError as error:
        return graph.answer(error)
    except graph.GatewayTimeout:
        return HttpResponse("Gateway Timeout", status=504, content_type="text/plain")


def create_container(request: HttpRequest, account: SandboxAccount, d: Dialect, params: dict[str, str]) -> dict:
    fault = graph.inject(services.take_fault(account, FaultScope.MEDIA))
    text, media_type = params.get(d.text_field, ""), params.get("media_type", "").upper()
    if d.platform == "threads" and media_type not in ("TEXT", "IMAGE", "VIDEO", "CAROUSEL"):
        raise graph.GraphError(100, "Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}")
    if d.platform == "instagram" and media_type not in ("", "IMAGE", "CAROUSEL", "REELS", "VIDEO"):
        raise graph.GraphError(100, "Param media_type must be one of {IMAGE, CAROUSEL, REELS, VIDEO, STORIES}")
    if d.platform == "instagram" and media_type == "VIDEO" and params.get("is_carousel_item") != "true":
        # "The VIDEO media type is no longer supported for feed posts; use REELS" (ig-user/media, 2023).
        raise graph.GraphError(100, "The VIDEO media type is only for carousel items: post a video as REELS")
    rules = rules_for(d.platform)
    if rules.count(text) > rules.text_limit:
        raise graph.GraphError(100, f"Param {d.text_field} must be at most {rules.text_limit} characters long.")
    container: dict[str, Any] = {
        "account": account.pk, "platform": d.platform, "media_type": media_type or "IMAGE", "text": text,
        "is_carousel_item": params.get("is_carousel_item") == "true", "media": [], "children": [],
        "created": time.time(), "published": None, "error": None,
        "reply_to": _reply_target(account, d, params.get("reply_to_id", "")),
    }  # fmt: skip
    if media_type == "CAROUSEL":
        children = [c for c in params.get("children", "").split(",") if c]
        if not 2 <= len(children) <= d.max_items:
            raise graph.GraphError(100, f"A carousel has 2 to {d.max_items} children", subcode=2207018)
        for child in children:
            item = _container(account, child)
            if item is None or not item["is_carousel_item"]:
                raise graph.GraphError(
                    100, f"The carousel item {child} is not a carousel item container", subcode=2207006
                )
        container["children"] = children
    elif media_type != "TEXT":
        wants_video = media_type in ("VIDEO", "REELS")
        url = params.get("video_url" if wants_video else "image_url", "")
        item = graph.fetch_media(
            account, url, params.get("alt_text", ""), d.image_types, ASPECT if d.platform == "instagram" else None
        )
        if (SandboxMedia.objects.get(remote_id=item["id"]).type == MediaType.VIDEO) != wants_video:
            # Meta's table: 2207026 "The video format is not supported", 2207052 for what is not the media type.
            raise graph.GraphError(9004, f"The media at the URL is not a {media_type.lower() or 'image'}",
                                   subcode=2207026 if wants_video else 2207052)  # fmt: skip
        container["media"] = [item]
    if fault and fault.kind == FaultKind.REJECT:
        container["error"] = "The media could not be processed (sandbox fault)."
    container_id = services.new_remote_id()
    cache.set(_key(container_id), container, CONTAINER_LIFETIME_S)
    return {"id": container_id}


def publish(request: HttpRequest, account: SandboxAccount, d: Dialect, params: dict[str, str]) -> dict:
    fault = graph.inject(services.take_fault(account, FaultScope.CREATE))
    if fault and fault.kind == FaultKind.REJECT:
        raise graph.GraphError(368, "The action attempted has been deemed abusive or is otherwise disallowed")
    creation_id = params.get("creation_id", "")
    container = _container(account, creation_id) if creation_id.isdigit() else None
    if container is None or container["is_carousel_item"]:
        raise graph.GraphError(100, "Param creation_id must name a container of this user", subcode=2207006)
    if (status := _status(container)) in ("ERROR", "IN_PROGRESS"):
        raise graph.GraphError(
            9007, "Media ID is not available", subcode=2207027, error_user_msg=f"The container is {status}"
        )
    key = services.check_idempotency_key(request.headers.get("Idempotency-Key")) or f"container-{creation_id}"
    since = timezone.now() - dt.timedelta(seconds=QUOTA_DURATION_S)
    replay = account.posts.filter(idempotency_key=key).exists()
    # Replies have a quota of their own (1,000 a day on Threads): only posts count here.
    if not replay and account.posts.filter(received_at__gte=since, reply_to="").count() >= d.quota_total:
        raise graph.GraphError(9, "Application request limit reached", subcode=2207042,
                         error_user_msg="The maximum number of posts that were published has been reached.")  # fmt: skip
    children = [_container(account, c) or {} for c in container["children"]]
    media = [m for c in [container, *children] for m in c.get("media", [])]
    links = [m.group() for m in SCHEME_URL.finditer(container["text"])]
    payload = {"creation_id": creation_id, "media_type": container["media_type"], d.text_field: container["text"]}
    reply_to = container.get("reply_to") or ""
    new = NewPost(container["text"], links[0] if links else "", media, reply_to, payload)
    post, _created = services.store_post(account, new, key)
    cache.set(_key(creation_id), container | {"published": post.remote_id}, CONTAINER_LIFETIME_S)
    if fault and fault.kind == FaultKind.DROP_REPLY:
        time.sleep(services.fault_sleep_s(fault))  # stored and committed; the reply is what gets lost
        raise graph.GatewayTimeout
    return {"id": post.remote_id}


def publishing_limit(request: HttpRequest, account: SandboxAccount, d: Dialect, params: dict[str, str]) -> dict:
    graph.inject(services.take_fault(account))
    since = timezone.now() - dt.timedelta(seconds=QUOTA_DURATION_S)
    used = account.posts.filter(received_at__gte=since, reply_to="").count()
    return {
        "data": [{"quota_usage": used, "config": {"quota_total": d.quota_total, "quota_duration": QUOTA_DURATION_S}}]
    }


def list_posts(request: HttpRequest, account: SandboxAccount, d: Dialect, params: dict[str, str]) -> dict:
    graph.inject(services.take_fault(account))
    # The user's own posts: replies are at /me/replies (Threads), comments are no media (Instagram).
    posts = account.posts.filter(deleted_at__isnull=True, reply_to="").order_by("-received_at", "-pk")
    if since := params.get("since"):
        instant = dt.datetime.fromtimestamp(int(since), dt.UTC) if since.isdigit() else services.parse_since(since)
        posts = posts.filter(received_at__gte=instant)
    limit = min(max(int(params.get("limit") or LIST_DEFAULT), 1), LIST_MAX)
    return {"data": [graph.select_fields(_media(request, d, p), params) for p in posts[:limit]]}


def node(request: HttpRequest, account: SandboxAccount, d: Dialect, params: dict[str, str], node_id: str) -> dict:
    graph.inject(services.take_fault(account))
    if request.method == "GET" and (container := _container(account, node_id)) is not None:
        status = _status(container)
        if d.platform == "instagram":
            detail = container["error"] or {
                "FINISHED": "Finished: Media has been uploaded and it is ready to be published."
            }.get(status, status.title())
            return graph.select_fields({"id": node_id, "status_code": status, "status": detail}, params)
        return graph.select_fields({"id": node_id, "status": status, "error_message": container["error"] or ""}, params)
    post = account.posts.filter(remote_id=node_id, deleted_at__isnull=True).first()
    if post is None or (request.method == "DELETE" and not d.can_delete):
        raise graph.unsupported(request.method, node_id)
    if request.method == "DELETE":
        services.delete_post(account, node_id)
        return {"success": True, "deleted_id": node_id}
    return graph.select_fields(_media(request, d, post), params)


def insights(request: HttpRequest, account: SandboxAccount, d: Dialect, params: dict[str, str], media_id: str) -> dict:
    graph.inject(services.take_fault(account))
    post = account.posts.filter(remote_id=media_id, deleted_at__isnull=True).first()
    if post is None:
        raise graph.unsupported("GET", media_id)
    names = [m for m in params.get("metric", "").split(",") if m]
    if not names or any(m not in d.metrics for m in names):
        raise graph.GraphError(100, f"(#100) metric[0] must be one of the following values: {', '.join(d.metrics)}")
    if post.payload.get("media_type") != "REELS" and (reels_only := [m for m in names if m in REELS_ONLY_METRICS]):
        message = (
            f"(#100) The Media Insights API does not support the {reels_only[0]} metric for this media product type."
        )
        raise graph.GraphError(100, message)
    counts = services.metrics_for(post)
    return {"data": [
        {"name": m, "period": "lifetime", "values": [{"value": counts[d.metrics[m]]}], "title": m.title(),
         "description": "", "id": f"{media_id}/insights/{m}/lifetime"}
        for m in names
    ]}  # fmt: skip


@csrf_exempt
def refresh_access_token(request: HttpRequest, platform: str) -> HttpResponse:
    """GET refresh_access_token?grant_type=ig_refresh_token (th_refresh_token)&access_token=…: 60 more days."""
    try:
        token, params = graph.bearer(request), graph.parameters(request)
        account = graph.account_of(platform, token)
        graph.inject(services.take_fault(account, FaultScope.TOKEN))
        if params.get("grant_type") != DIALECTS[platform].refresh_grant:
            raise graph.GraphError(100, f"Param grant_type must be {DIALECTS[platform].refresh_grant}")
        fresh, now = secrets.token_urlsafe(32), timezone.now()
        with transaction.atomic():
            SandboxAccount.objects.filter(pk=account.pk).update(token=fresh, token_expires_at=now + LONG_LIVED_TOKEN)
            RevokedToken.objects.create(account=account, kind=RevokedToken.Kind.ACCESS, token=token, revoked_at=now)
        return JsonResponse(
            {"access_token": fresh, "token_type": "bearer", "expires_in": int(LONG_LIVED_TOKEN.total_seconds())}
        )
    except graph.GraphError as error:
        return graph.answer(error)
    except graph.GatewayTimeout:
        return HttpResponse("Gateway Timeout", status=504, content_type="text/plain")


def comment(account: SandboxAccount, params: dict[str, str], media_id: str) -> dict:
    """POST /{ig-media-id}/comments with `message` (ig-media/comments#creating): a comment, kept as a reply."""
    fault = graph.inject(services.take_fault(account, FaultScope.CREATE))
    if fault and fault.kind == FaultKind.REJECT:
        raise graph.GraphError(368, "The action attempted has been deemed abusive or is otherwise disallowed")
    post = account.posts.filter(remote_id=media_id, deleted_at__isnull=True, reply_to="").first()
    if post is None:
        raise graph.unsupported("POST", media_id)
    if not (text := params.get("message", "")).strip() or len(text) > COMMENT_MAX_CHARS:
        raise graph.GraphError(100, f"(#100) Param message must be 1 to {COMMENT_MAX_CHARS} characters long")
    new = NewPost(text, "", [], media_id, {"kind": "comment", "message": text})
    return {"id": services.store_post(account, new, None)[0].remote_id}


def urls(platform: str) -> list:
    """The dialect's patterns for one platform, mounted at /sandbox/<platform>/ before the generic dialect."""
    return [
        re_path(r"^v\d+\.\d+/(?P<path>.+)$", dispatch, {"platform": platform}),
        re_path(r"^refresh_access_token$", refresh_access_token, {"platform": platform}),
        re_path(r"^access_token$", csrf_exempt(meta_tokens.exchange), {"platform": platform}),
    ]


def _container(account: SandboxAccount, container_id: str) -> dict[str, Any] | None:
    container = cache.get(_key(container_id))
    return container if container and container["account"] == account.pk else None


def _status(container: dict[str, Any]) -> str:
    if container["error"]:
        return "ERROR"
    if container["published"]:
        return "PUBLISHED"
    if time.time() - container["created"] > CONTAINER_LIFETIME_S:
        return "EXPIRED"
    if time.time() - container["created"] < CONTAINER_PROCESSING.total_seconds():
        return "IN_PROGRESS"
    children = [cache.get(_key(c)) for c in container["children"]]
    if any(c is None or _status(c) == "ERROR" for c in children):
        return "ERROR"
    return "IN_PROGRESS" if any(_status(c) == "IN_PROGRESS" for c in children) else "FINISHED"


def _media(request: HttpRequest, d: Dialect, post: Any) -> dict[str, Any]:
    media_type = post.payload.get("media_type") or ("TEXT_POST" if d.platform == "threads" else "IMAGE")
    shown = {"CAROUSEL": "CAROUSEL_ALBUM", "REELS": "VIDEO", "TEXT": "TEXT_POST"}.get(media_type, media_type)
    product = {"media_product_type": "REELS" if media_type == "REELS" else "FEED"} if d.platform == "instagram" else {}
    return product | {
        "id": post.remote_id, d.text_field: post.text, "media_type": shown,
        "timestamp": post.received_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "permalink": request.build_absolute_uri(f"/sandbox/{d.platform}/posts/{post.remote_id}"),
    }  # fmt: skip


def _reply_target(account: SandboxAccount, d: Dialect, reply_to_id: str) -> str:
    """A Threads reply's post: one of the account's own (docs/threads/retrieve-and-manage-replies/create-replies)."""
    if not reply_to_id:
        return ""
    if d.platform != "threads" or not account.posts.filter(remote_id=reply_to_id, deleted_at__isnull=True).exists():
        raise graph.GraphError(100, f"Param reply_to_id {reply_to_id!r} is not a post this user may reply to")
    return reply_to_id


def _key(container_id: str) -> str:
    return f"sandbox:meta:container:{container_id}"
