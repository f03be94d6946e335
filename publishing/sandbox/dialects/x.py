"""The sandbox answering the X API v2 under /sandbox/x/ (https://docs.x.com/x-api/introduction).

Bodies follow the X definition (../shared/specs/x-api-v2.openapi.json): `{"data": …}` on success, the
`errors` list beside it for a post that cannot be read, and RFC 9457 problems (`type`, `title`, `detail`,
`status`, as application/problem+json) for refusals. What is stored is the generic dialect's
(services.py): a post is a SandboxPost under the request's Idempotency-Key (X itself has none and ignores
the header), an upload a SandboxMedia (chunked: `x_media.py`), an account found by its bearer token; every
fault kind applies ("create" is POST /2/tweets, "media" each upload request, "token" POST /2/oauth2/token,
"all" every endpoint). As X does, the same text twice within DUPLICATE_WINDOW is refused as duplicate
content, links are shown as t.co addresses with `entities.urls` holding the originals, and a post with
media ends with a t.co link to them. Where the definition renames the live API's fields (`post.fields`,
`repost_count`), the sandbox takes and answers both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import time
import unicodedata
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from publishing.platform_rules import SCHEME_URL
from publishing.sandbox import services, views
from publishing.sandbox.dialects import x_media
from publishing.sandbox.dialects.x_problems import (
    PLATFORM,
    PROBLEMS,
    PROCESSING,
    inject,
    media_key,
    problem,
    problem_refusal,
    username,
    x_api,
)
from publishing.sandbox.models import FaultKind, FaultScope, SandboxAccount, SandboxPost
from publishing.sandbox.services import Refusal

DUPLICATE_WINDOW = dt.timedelta(hours=24)
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
PAGE_DEFAULT, PAGE_MIN, PAGE_MAX = 10, 5, 100  # GET /2/users/{id}/tweets max_results
POST_FIELDS = ("tweet.fields", "post.fields")  # the live API's name, the definition's name


@x_api("POST")
def create_post(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    """POST /2/tweets: `text`, `media.media_ids`, `reply.in_reply_to_tweet_id`; 201 with the post."""
    fault = services.take_fault(account, FaultScope.CREATE)
    if answer := inject(fault):
        return answer
    new, key = _new_post(account, views._json_body(request)), request.headers.get("Idempotency-Key")
    key = services.check_idempotency_key(key)
    if _is_duplicate(account, new.text, key):
        return problem(403, DUPLICATE)
    post, _created = services.store_post(account, new, key)
    if fault and fault.kind == FaultKind.DROP_REPLY:
        time.sleep(services.fault_sleep_s(fault))  # stored and committed; the reply is what gets lost
        return problem(504, "Gateway timeout")
    shown, _urls = _shown(post)
    return JsonResponse({"data": {"id": post.remote_id, "text": shown, "edit_history_tweet_ids": [post.remote_id]}},
                        status=201)  # fmt: skip


@x_api("GET", "DELETE")
def post_detail(request: HttpRequest, account: SandboxAccount, post_id: str) -> HttpResponse:
    """GET /2/tweets/{id} (200 with `errors` when it is gone, as X answers) or DELETE it."""
    if answer := inject(services.take_fault(account)):
        return answer
    if request.method == "DELETE":
        services.delete_post(account, post_id)
        return JsonResponse({"data": {"deleted": True}})
    post = account.posts.filter(remote_id=post_id, deleted_at__isnull=True).first()
    if post is None:
        missing = {"type": f"{PROBLEMS}resource-not-found", "title": "Not Found Error", "resource_type": "tweet",
                   "detail": f"Could not find tweet with id: [{post_id}].", "parameter": "id", "value": post_id,
                   "resource_id": post_id}  # fmt: skip
        return JsonResponse({"errors": [missing]})
    return JsonResponse({"data": _post(post, _fields(request))})


@x_api("GET")
def me(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    """GET /2/users/me: the token's user."""
    if answer := inject(services.take_fault(account)):
        return answer
    return JsonResponse({"data": {"id": str(account.pk), "name": f"Sandbox account {account.pk}",
                                  "username": username(account)}})  # fmt: skip


@x_api("GET")
def user_posts(request: HttpRequest, account: SandboxAccount, user_id: str) -> HttpResponse:
    """GET /2/users/{id}/tweets: newest first, from start_time to end_time, paged by pagination_token."""
    if answer := inject(services.take_fault(account)):
        return answer
    owner = SandboxAccount.objects.filter(platform=PLATFORM, pk=user_id if user_id.isdigit() else 0).first()
    if owner is None:
        return problem(404, f"Could not find user with id: [{user_id}].", type_="resource-not-found",
                       resource_type="user", resource_id=user_id)  # fmt: skip
    limit = _whole(request.GET.get("max_results") or str(PAGE_DEFAULT), "max_results")
    if not PAGE_MIN <= limit <= PAGE_MAX:
        raise Refusal(400, "invalid_request", detail=f"max_results is from {PAGE_MIN} to {PAGE_MAX}")
    found = owner.posts.filter(deleted_at__isnull=True).prefetch_related("attachments")
    if start := services.parse_since(request.GET.get("start_time")):
        found = found.filter(received_at__gte=start)
    if end := services.parse_since(request.GET.get("end_time")):
        found = found.filter(received_at__lt=end)
    excluded = set((request.GET.get("exclude") or "").split(","))
    if "replies" in excluded:
        found = found.filter(reply_to="")
    if token := request.GET.get("pagination_token"):
        found = found.filter(pk__lt=_whole(token, "pagination_token"))
    page = list(found.order_by("-pk")[: limit + 1])
    meta: dict[str, Any] = {"result_count": min(len(page), limit)}
    if len(page) > limit:
        page, meta["next_token"] = page[:limit], str(page[limit - 1].pk)
    if not page:
        return JsonResponse({"meta": meta})
    fields = _fields(request)
    meta |= {"newest_id": page[0].remote_id, "oldest_id": page[-1].remote_id}
    return JsonResponse({"data": [_post(post, fields) for post in page], "meta": meta})


@csrf_exempt
def oauth_token(request: HttpRequest) -> HttpResponse:
    """POST /2/oauth2/token: the generic refresh grant (form-encoded; client id as HTTP Basic or in the form)."""
    return views.oauth_token(request, platform=PLATFORM)


def _new_post(account: SandboxAccount, body: object) -> services.NewPost:
    if not isinstance(body, dict) or not isinstance(body.get("text", ""), str):
        raise Refusal(400, "invalid_request", detail="the body is a JSON object; text is a string")
    media_ids = (body.get("media") or {}).get("media_ids") or []
    if not isinstance(media_ids, list) or not all(isinstance(i, str) for i in media_ids):
        raise Refusal(400, "invalid_request", detail="media.media_ids is a list of strings")
    attached = list(account.media.filter(remote_id__in=media_ids))
    if len(attached) > 1 and any(m.type != "image" for m in attached):
        raise Refusal(400, "invalid_request", detail="a post takes up to 4 images, or 1 GIF, or 1 video")
    if any(m.received_at + PROCESSING > timezone.now() for m in attached if m.type != "image"):
        raise Refusal(400, "invalid_request", detail="Your media IDs are invalid: media still processing")
    reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id") or ""
    if reply_to and not SandboxPost.objects.filter(remote_id=reply_to, deleted_at__isnull=True).exists():
        raise problem_refusal(403, "You attempted to reply to a Tweet that is deleted or not visible to you.")
    generic = {"text": body.get("text", ""), "media": [{"id": i} for i in media_ids], "reply_to": reply_to}
    new = services.check_new_post(PLATFORM, generic)
    return services.NewPost(new.text, new.link, new.media, new.reply_to, payload=body)


def _is_duplicate(account: SandboxAccount, text: str, key: str | None) -> bool:
    """X refuses a text the account posted recently; the same request sent twice is that too."""
    if key and account.posts.filter(idempotency_key=key).exists():
        return True
    recent = account.posts.filter(deleted_at__isnull=True, received_at__gte=timezone.now() - DUPLICATE_WINDOW)
    normal = unicodedata.normalize("NFC", text).strip()
    return any(unicodedata.normalize("NFC", t).strip() == normal for t in recent.values_list("text", flat=True))


def _post(post: SandboxPost, fields: set[str]) -> dict[str, Any]:
    """A Post object with the fields asked for (id, text and edit history always, as X answers)."""
    shown, urls = _shown(post)
    data: dict[str, Any] = {"id": post.remote_id, "text": shown, "edit_history_tweet_ids": [post.remote_id]}
    if "created_at" in fields:
        data["created_at"] = views._instant(post.received_at)
    if "author_id" in fields:
        data["author_id"] = str(post.account_id)
    if "attachments" in fields and post.media:
        data["attachments"] = {"media_keys": [media_key(m) for m in post.attachments.all()]}
    if "entities" in fields and urls:
        data["entities"] = {"urls": urls}
    if "public_metrics" in fields:
        counts = services.metrics_for(post)
        data["public_metrics"] = {
            "retweet_count": counts["shares"], "repost_count": counts["shares"], "reply_count": counts["replies"],
            "like_count": counts["likes"], "quote_count": 0, "bookmark_count": counts["likes"] // 10,
            "impression_count": counts["impressions"],
        }  # fmt: skip
    if post.reply_to:
        data["in_reply_to_user_id"] = str(post.account_id)
    return data


def _shown(post: SandboxPost) -> tuple[str, list[dict[str, Any]]]:
    """The text as X shows it (&, <, > escaped; links as t.co; a t.co link to the media at the end) and its URL entities."""
    parts, urls, start = [], [], 0
    for match in SCHEME_URL.finditer(post.text):
        parts.append(html.escape(post.text[start : match.start()], quote=False))
        short = _t_co(match.group())
        at = sum(map(len, parts))
        urls.append({"start": at, "end": at + len(short), "url": short, "expanded_url": match.group(),
                     "display_url": match.group().split("://", 1)[1][:24]})  # fmt: skip
        parts.append(short)
        start = match.end()
    parts.append(html.escape(post.text[start:], quote=False))
    if media := list(post.attachments.all()):
        short, at = _t_co(post.remote_id), sum(map(len, parts)) + 1
        link = f"https://x.com/{username(post.account)}/status/{post.remote_id}/photo/1"
        urls.append({"start": at, "end": at + len(short), "url": short, "expanded_url": link,
                     "display_url": f"pic.x.com/{short[-10:]}", "media_key": media_key(media[0])})  # fmt: skip
        parts.append(f" {short}")
    return "".join(parts), urls


def _fields(request: HttpRequest) -> set[str]:
    return {field for name in POST_FIELDS for field in (request.GET.get(name) or "").split(",") if field}


def _whole(value: str, name: str) -> int:
    if not value.isdigit():
        raise Refusal(400, "invalid_request", detail=f"{name} is a whole number")
    return int(value)


def _t_co(url: str) -> str:
    return "https://t.co/" + hashlib.sha256(url.encode()).hexdigest()[:10]


# Left unnamed, as the generic dialect's (see publishing/sandbox/urls.py).
urlpatterns = [
    path("2/tweets", create_post),
    path("2/tweets/<str:post_id>", post_detail),
    path("2/users/me", me),
    path("2/users/<str:user_id>/tweets", user_posts),
    path("2/media/upload", x_media.status),
    path("2/media/upload/initialize", x_media.initialize),
    path("2/media/upload/<str:upload_id>/append", x_media.append),
    path("2/media/upload/<str:upload_id>/finalize", x_media.finalize),
    path("2/media/metadata", x_media.metadata),
    path("2/oauth2/token", oauth_token),
]
