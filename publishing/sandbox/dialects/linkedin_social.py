"""The sandbox's LinkedIn beside the posts (the dialect's other half, linkedin.py): comments, counts, the member.

- `POST rest/socialActions/{post URN}/comments` `{"actor", "object", "message": {"text"}}` → 201 with the Comment
  (`id`, `commentUrn`, `actor`, `object`, `message`, `created`, `lastModified`) and its id in `x-restli-id`; a
  post not found is 404; no actor or text is 422 FIELD_VALUE_MISSING, a text over 1,250 characters 422
  FIELD_VALUE_TOO_LONG. `GET` the same path → `{"elements": [Comment…], "paging"}`, newest first. Faults: "create"
  (drop_reply stores the comment, then answers 504). Comments are SandboxPosts replying to the post.
- `GET rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=…&shares=List(…)`
  (or `ugcPosts=List(…)`) → `{"elements": [{"organizationalEntity", "share", "totalShareStatistics"}], "paging"}`;
  a post of another author is 403 ACCESS_DENIED, as LinkedIn answers it.
- `GET rest/socialMetadata/{post URN}` → `{"entity", "reactionSummaries", "commentSummary", "commentsState"}`.
- `GET v2/userinfo` (OpenID Connect, no version headers) → `{"sub", "name", "given_name", "family_name",
  "picture", "locale"}`; an unknown or revoked token is 401 `{"status", "serviceErrorCode": 65600, "message"}`.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from publishing.adapters.linkedin_social import COMMENT_MAX_CHARS
from publishing.sandbox import services, views
from publishing.sandbox.dialects.linkedin_api import PLATFORM, LinkedInError, inject, rest_api
from publishing.sandbox.models import FaultKind, FaultScope, SandboxAccount, SandboxPost
from publishing.sandbox.services import NewPost, Refusal

LIST = re.compile(r"List\(([^)]*)\)")


@rest_api("GET", "POST")
def comments(request: HttpRequest, account: SandboxAccount, urn: str) -> HttpResponse:
    post = _post(account, unquote(urn))
    if request.method == "GET":
        inject(services.take_fault(account))
        found = account.posts.filter(reply_to=post.remote_id, deleted_at__isnull=True).order_by("-received_at", "-pk")
        count = min(int(request.GET.get("count") or 10), 100)
        elements = [_comment(c) for c in found[:count]]
        return JsonResponse({"elements": elements, "paging": {"start": 0, "count": count, "total": found.count()}})
    fault = services.take_fault(account, FaultScope.CREATE)
    inject(fault)  # drop_reply is left for after the comment is stored
    body = views._json_body(request)
    text = (body.get("message") or {}).get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip() or not str(body.get("actor", "")).startswith("urn:li:"):
        raise LinkedInError(422, 100, "FIELD_VALUE_MISSING", "actor (a URN) and message.text are required")
    if len(text) > COMMENT_MAX_CHARS:
        raise LinkedInError(422, 100, "FIELD_VALUE_TOO_LONG", f"message.text is at most {COMMENT_MAX_CHARS} characters")
    new = NewPost(text=text, link="", media=[], reply_to=post.remote_id, payload=body | {"object": unquote(urn)})
    comment, _created = services.store_post(account, new, None)
    if fault and fault.kind == FaultKind.DROP_REPLY:
        time.sleep(services.fault_sleep_s(fault))  # stored and committed; the reply is what gets lost
        raise LinkedInError(504, 0, "GATEWAY_TIMEOUT", "Gateway Timeout")
    return JsonResponse(_comment(comment), status=201, headers={"x-restli-id": comment.remote_id})


@rest_api("GET", fault=FaultScope.ALL)
def share_statistics(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    entity, kind = request.GET.get("organizationalEntity", ""), "ugcPosts" if "ugcPosts" in request.GET else "shares"
    listed = LIST.fullmatch(request.GET.get(kind, ""))
    if request.GET.get("q") != "organizationalEntity" or not entity.startswith("urn:li:organization:") or not listed:
        raise LinkedInError(
            400, 100, "ILLEGAL_ARGUMENT", "q=organizationalEntity, an organization and List(…) of posts"
        )
    elements = []
    for number, urn in enumerate(unquote(u) for u in listed.group(1).split(",") if u):
        post = _post(account, urn)
        if post.payload.get("author") != entity:
            message = f"Unpermitted fields present in PARAMETER: Data Processing Exception while processing fields [/{kind}[{number}]]"
            raise LinkedInError(403, 100, "ACCESS_DENIED", message)
        made = services.metrics_for(post)
        commented = made["replies"] + account.posts.filter(reply_to=post.remote_id).count()
        engaged = made["likes"] + made["shares"] + made["clicks"] + commented
        totals = {"impressionCount": made["impressions"], "uniqueImpressionsCount": made["impressions"] * 4 // 5,
                  "likeCount": made["likes"], "commentCount": commented, "shareCount": made["shares"],
                  "clickCount": made["clicks"], "engagement": engaged / made["impressions"] if made["impressions"] else 0.0}  # fmt: skip
        elements.append({"organizationalEntity": entity, kind.removesuffix("s"): urn, "totalShareStatistics": totals})
    return JsonResponse({"elements": elements, "paging": {"start": 0, "count": 10, "links": []}})


@rest_api("GET", fault=FaultScope.ALL)
def social_metadata(request: HttpRequest, account: SandboxAccount, urn: str) -> HttpResponse:
    post = _post(account, unquote(urn))
    made = services.metrics_for(post)
    commented = account.posts.filter(reply_to=post.remote_id).count()
    return JsonResponse({
        "entity": unquote(urn), "commentsState": "OPEN",
        "reactionSummaries": {"LIKE": {"reactionType": "LIKE", "count": made["likes"]}} if made["likes"] else {},
        "commentSummary": {"count": made["replies"] + commented, "topLevelCount": made["replies"] + commented},
    })  # fmt: skip


@csrf_exempt
def userinfo(request: HttpRequest) -> HttpResponse:
    """GET v2/userinfo: the member of the token, as Sign In with LinkedIn using OpenID Connect answers it."""
    if not settings.PLANNER_SANDBOX_ENABLED or request.method != "GET":
        return JsonResponse({"status": 404, "serviceErrorCode": 0, "message": "Not Found"}, status=404)
    try:
        account = services.account_for(PLATFORM, token) if (token := views._bearer_token(request)) else None
    except Refusal:
        account = None
    if account is None:
        return JsonResponse({"status": 401, "serviceErrorCode": 65600, "message": "Invalid access token"}, status=401)
    try:
        inject(services.take_fault(account))  # "all" faults: a token revoked meanwhile is 401 65601
    except LinkedInError as error:
        return error.answer()
    sub = hashlib.sha256(f"sandbox-member-{account.pk}".encode()).hexdigest()[:10]
    return JsonResponse({
        "sub": sub, "name": f"Sandbox Member {account.pk}", "given_name": "Sandbox", "family_name": f"Member {account.pk}",
        "picture": request.build_absolute_uri(f"/sandbox/linkedin/members/{sub}.jpg"), "locale": "en-US",
    })  # fmt: skip


def _post(account: SandboxAccount, urn: str) -> SandboxPost:
    remote_id = re.sub(r"^urn:li:(share|ugcPost):", "", urn)
    post = account.posts.filter(remote_id=remote_id, reply_to="", deleted_at__isnull=True).first()
    if post is None:
        raise LinkedInError(404, 0, "NOT_FOUND", f"Not Found: {urn}")
    return post


def _comment(comment: SandboxPost) -> dict[str, Any]:
    at = {"actor": comment.payload.get("actor", ""), "time": int(comment.received_at.timestamp() * 1000)}
    return {
        "id": comment.remote_id, "commentUrn": f"urn:li:comment:({comment.payload['object']},{comment.remote_id})",
        "actor": comment.payload.get("actor", ""), "object": comment.payload["object"],
        "message": {"text": comment.text, "attributes": []}, "created": at, "lastModified": at,
    }  # fmt: skip
