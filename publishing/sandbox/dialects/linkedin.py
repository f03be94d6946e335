"""The sandbox answering LinkedIn's versioned REST API under /sandbox/linkedin/ (Posts and Images APIs).

- `POST rest/images?action=initializeUpload` `{"initializeUploadRequest": {"owner"}}` → `{"value": {"uploadUrl",
  "uploadUrlExpiresAt", "image": "urn:li:image:…"}}`; `PUT` the bytes to `uploadUrl` (signed, bearer required)
  → 201, measured by `media.py` and kept as a SandboxMedia under the image's id.
- `POST rest/videos?action=initializeUpload` `{"initializeUploadRequest": {"owner", "fileSizeBytes"}}` → upload
  instructions, one signed URL per 4 MiB part; each `PUT` part → 200 with its `ETag`; `?action=finalizeUpload`
  `{"finalizeUploadRequest": {"video", "uploadToken", "uploadedPartIds"}}` with every ETag in order → 200, the
  video measured and kept as a SandboxMedia under the video's id (parts wait in files under DATA_DIR).
- `POST rest/posts` (author, commentary ≤ 3,000, visibility, distribution, lifecycleState, content.media or
  content.multiImage of uploaded images) → 201, no body, the URN in `x-restli-id`; stored as a SandboxPost under
  the planner's `Idempotency-Key`. `GET rest/posts?q=author&author=…` → `{"elements", "paging"}`;
  `DELETE rest/posts/{urn}` → 204. Every call needs `LinkedIn-Version: YYYYMM` and
  `X-Restli-Protocol-Version: 2.0.0`, as LinkedIn's does. Comments, counts and the member: linkedin_social.py.
Errors are `{"status", "serviceErrorCode", "code", "message"}`. Faults: "create" is POST rest/posts, "media" the
image calls, "all" every call; a rate limit is 429 (LinkedIn's daily limits); "token" is the generic oauth/token.
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from publishing.platform_rules import rules_for
from publishing.sandbox import media as uploads
from publishing.sandbox import services, views
from publishing.sandbox.dialects import linkedin_social
from publishing.sandbox.dialects.linkedin_api import PLATFORM, LinkedInError, inject, rest_api
from publishing.sandbox.models import FaultKind, FaultScope, SandboxAccount, SandboxMedia, SandboxPost
from publishing.sandbox.services import NewPost, Refusal

UPLOAD_SALT = "publishing.sandbox.linkedin.upload"
UPLOAD_URL_LIFETIME_S = 24 * 3600
VIDEO_PART_BYTES = 4 * 1024 * 1024  # the Videos API's parts: "4 MB", the last one shorter
REQUIRED = ("author", "commentary", "visibility", "distribution", "lifecycleState")


@rest_api("POST", fault=FaultScope.MEDIA)
def images(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    body = views._json_body(request) if request.body else None
    owner = ((body or {}).get("initializeUploadRequest") or {}).get("owner") if isinstance(body, dict) else None
    if request.GET.get("action") != "initializeUpload" or not isinstance(owner, str) or not owner.startswith("urn:li:"):
        raise LinkedInError(
            400, 100, "ILLEGAL_ARGUMENT", "initializeUploadRequest.owner is a member or organization URN"
        )
    image_id = services.new_remote_id()
    signed = signing.dumps({"account": account.pk, "image": image_id}, salt=UPLOAD_SALT)
    value = {"uploadUrlExpiresAt": int((time.time() + UPLOAD_URL_LIFETIME_S) * 1000),
             "uploadUrl": request.build_absolute_uri(reverse("sandbox:timeline") + f"{PLATFORM}/upload/{signed}"),
             "image": f"urn:li:image:{image_id}"}  # fmt: skip
    return JsonResponse({"value": value})


@csrf_exempt
def upload(request: HttpRequest, signed: str) -> HttpResponse:
    """PUT the bytes of a registered image (its upload URL needs no version headers)."""
    try:
        grant = signing.loads(signed, salt=UPLOAD_SALT, max_age=UPLOAD_URL_LIFETIME_S)
        if not (token := views._bearer_token(request)):
            raise signing.BadSignature("no bearer token")
        account = services.account_for(PLATFORM, token)
    except (signing.BadSignature, Refusal):
        return LinkedInError(401, 65600, "INVALID_ACCESS_TOKEN", "Invalid access token or upload URL").answer()
    if request.method != "PUT" or account.pk != grant["account"]:
        return LinkedInError(403, 0, "ACCESS_DENIED", "Not allowed to upload here").answer()
    # From the stream: `request.body` refuses more than DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB); a video part is 4 MiB.
    content = request.read()
    try:
        inject(services.take_fault(account, FaultScope.MEDIA))
        if "video" in grant:  # one part of a video: kept until finalizeUpload, answered with its ETag
            _part_path(grant["video"], grant["part"]).write_bytes(content)
            return HttpResponse(status=200, headers={"ETag": hashlib.sha256(content).hexdigest()})
        measured = uploads.check_upload(SimpleUploadedFile("image", content), "")
    except LinkedInError as error:
        return error.answer()
    except Refusal as refusal:
        return LinkedInError(400, 100, "ILLEGAL_ARGUMENT", str(refusal.body)).answer()
    media = uploads.store_media(account, measured, "")
    SandboxMedia.objects.filter(pk=media.pk).update(remote_id=grant["image"])
    return HttpResponse(status=201)


@rest_api("POST", fault=FaultScope.MEDIA)
def videos(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    """POST rest/videos?action=initializeUpload (upload instructions, 4 MiB parts) or ?action=finalizeUpload."""
    body, action = views._json_body(request), request.GET.get("action")
    if (
        action == "initializeUpload"
        and isinstance(size := (body.get("initializeUploadRequest") or {}).get("fileSizeBytes"), int)
        and size > 0
    ):
        video = services.new_remote_id()
        instructions = []
        for part, first in enumerate(range(0, size, VIDEO_PART_BYTES)):
            grant = {"account": account.pk, "video": video, "part": part}
            url = request.build_absolute_uri(
                reverse("sandbox:timeline") + f"{PLATFORM}/upload/{signing.dumps(grant, salt=UPLOAD_SALT)}"
            )
            instructions.append(
                {"uploadUrl": url, "firstByte": first, "lastByte": min(first + VIDEO_PART_BYTES, size) - 1}
            )
        expires = int((time.time() + UPLOAD_URL_LIFETIME_S) * 1000)
        value = {
            "uploadUrlsExpireAt": expires,
            "video": f"urn:li:video:{video}",
            "uploadInstructions": instructions,
            "uploadToken": "",
        }
        return JsonResponse({"value": value})
    if action == "finalizeUpload" and isinstance(final := body.get("finalizeUploadRequest"), dict):
        video = str(final.get("video", "")).removeprefix("urn:li:video:")
        parts = (
            sorted(uploads.pending_uploads(PLATFORM).glob(f"{video}.*"), key=lambda p: int(p.suffix[1:]))
            if video.isdigit()
            else []
        )
        content = [p.read_bytes() for p in parts]
        if not parts or final.get("uploadedPartIds") != [hashlib.sha256(c).hexdigest() for c in content]:
            raise LinkedInError(400, 100, "ILLEGAL_ARGUMENT", "uploadedPartIds must be every part's ETag, in order")
        try:
            measured = uploads.check_upload(SimpleUploadedFile("video", b"".join(content)), "")
        except Refusal as refusal:
            raise LinkedInError(400, 100, "ILLEGAL_ARGUMENT", str(refusal.body)) from refusal
        media = uploads.store_media(account, measured, "")
        SandboxMedia.objects.filter(pk=media.pk).update(remote_id=video)
        for part in parts:
            part.unlink()
        return HttpResponse(status=200)
    raise LinkedInError(
        400, 100, "ILLEGAL_ARGUMENT", "initializeUpload takes fileSizeBytes; finalizeUpload its parts' ETags"
    )


@rest_api("GET", "POST")
def posts(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    if request.method == "GET":
        return _find(request, account)
    fault = services.take_fault(account, FaultScope.CREATE)
    if fault and fault.kind != FaultKind.DROP_REPLY:
        inject(fault)
    body = views._json_body(request)
    new = _check_post(account, body)
    try:
        post, _created = services.store_post(
            account, new, services.check_idempotency_key(request.headers.get("Idempotency-Key"))
        )
    except Refusal as refusal:
        raise LinkedInError(422, 100, "UNPROCESSABLE_ENTITY", str(refusal.body)) from refusal
    for image in new.media:
        SandboxMedia.objects.filter(remote_id=image["id"]).update(description=image["alt"])
    if fault and fault.kind == FaultKind.DROP_REPLY:
        time.sleep(services.fault_sleep_s(fault))  # stored and committed; the reply is what gets lost
        raise LinkedInError(504, 0, "GATEWAY_TIMEOUT", "Gateway Timeout")
    return HttpResponse(status=201, headers={"x-restli-id": _urn(post), "x-linkedin-id": _urn(post)})


@rest_api("DELETE", fault=FaultScope.ALL)
def post_detail(request: HttpRequest, account: SandboxAccount, urn: str) -> HttpResponse:
    remote_id = unquote(urn).removeprefix("urn:li:share:")
    # "Post deletions are idempotent": a post deleted before answers 204 again (…/posts-api#delete-posts).
    if not account.posts.filter(remote_id=remote_id).exists():
        raise LinkedInError(404, 0, "NOT_FOUND", f"Not Found: {unquote(urn)}")
    account.posts.filter(remote_id=remote_id, deleted_at__isnull=True).update(deleted_at=timezone.now())
    return HttpResponse(status=204)


def _find(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    if request.GET.get("q") != "author" or not request.GET.get("author"):
        raise LinkedInError(400, 100, "ILLEGAL_ARGUMENT", "The sandbox finds posts by author only (q=author&author=…)")
    count = min(int(request.GET.get("count") or 10), 100)
    found = account.posts.filter(deleted_at__isnull=True, payload__author=request.GET["author"]).order_by(
        "-received_at", "-pk"
    )
    elements = [_element(post) for post in found[:count]]
    return JsonResponse({"elements": elements, "paging": {"start": 0, "count": count, "links": []}})


def _element(post: SandboxPost) -> dict[str, Any]:
    created_ms = int(post.received_at.timestamp() * 1000)
    return post.payload | {"id": _urn(post), "createdAt": created_ms, "lastModifiedAt": created_ms,
                           "publishedAt": created_ms, "isEditedByAuthor": False}  # fmt: skip


def _check_post(account: SandboxAccount, body: object) -> NewPost:
    if not isinstance(body, dict) or (missing := [name for name in REQUIRED if name not in body]):
        raise LinkedInError(
            422, 100, "FIELD_VALUE_MISSING", f"missing fields: {missing if isinstance(body, dict) else REQUIRED}"
        )
    text = body["commentary"]
    if not isinstance(text, str) or len(text) > rules_for(PLATFORM).text_limit:
        raise LinkedInError(
            422,
            100,
            "FIELD_VALUE_TOO_LONG",
            f"commentary is a string of at most {rules_for(PLATFORM).text_limit} characters",
        )
    content = body.get("content") or {}
    images = (
        content.get("multiImage", {}).get("images")
        if "multiImage" in content
        else [content["media"]]
        if "media" in content
        else []
    )
    media = []
    for image in images:
        image_id = re.sub(r"^urn:li:(image|video):", "", str(image.get("id", "")))
        if not account.media.filter(remote_id=image_id, post__isnull=True).exists():
            raise LinkedInError(422, 100, "INVALID_CONTENT", f"Image {image.get('id')} was not uploaded, or is used")
        media.append({"id": image_id, "alt": str(image.get("altText", ""))})
    return NewPost(text=text, link="", media=media, reply_to="", payload=body)


def _part_path(video: str, part: int) -> Path:
    return uploads.pending_uploads(PLATFORM) / f"{int(video)}.{int(part)}"


def _urn(post: SandboxPost) -> str:
    return f"urn:li:share:{post.remote_id}"


# Left unnamed, as the generic dialect's (see publishing/sandbox/urls.py).
urlpatterns = [
    path("rest/images", images),
    path("rest/videos", videos),
    path("upload/<str:signed>", upload),
    path("rest/posts", posts),
    path("rest/posts/<path:urn>", post_detail),
    path("rest/socialActions/<path:urn>/comments", linkedin_social.comments),
    path("rest/organizationalEntityShareStatistics", linkedin_social.share_statistics),
    path("rest/socialMetadata/<path:urn>", linkedin_social.social_metadata),
    path("v2/userinfo", linkedin_social.userinfo),
]
