"""The sandbox answering Mastodon's REST API under /sandbox/mastodon/ (https://docs.joinmastodon.org/methods/).

Bodies and errors are shaped as the Mastodon OpenAPI definition (../shared/specs/mastodon.openapi.json)
has them: the Status, MediaAttachment, Account, CredentialAccount, Instance and Error entities with
every field it requires. What is stored is the generic dialect's (services.py): a status is a
SandboxPost under its Idempotency-Key, an upload a SandboxMedia, an account found by its bearer token,
and every fault applies as it does there ("create" is POST statuses, "media" POST /api/v2/media,
"token" POST /oauth/token, "all" every endpoint). Differences from a real server: uploaded files are
not kept (their `url` answers 404), a video is "processed" for VIDEO_PROCESSING after its upload, and
only the account's own statuses can be read or replied to.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import time
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from publishing.platform_rules import SCHEME_URL, URL_LENGTH, rules_for
from publishing.sandbox import answers, services, views
from publishing.sandbox import media as uploads
from publishing.sandbox.models import FaultKind, FaultScope, MediaType, SandboxAccount, SandboxMedia, SandboxPost
from publishing.sandbox.services import Refusal

PLATFORM = "mastodon"
VIDEO_PROCESSING = dt.timedelta(milliseconds=300)
STATUSES_DEFAULT, STATUSES_MAX = 20, 40  # GET /api/v1/accounts/:id/statuses `limit`
RATE_LIMIT_PER_PERIOD = 300  # Mastodon's default for authenticated API calls per 5 minutes
HASHTAG = re.compile(r"(?<![\w/#&])#(\w+)")
# Mastodon's own wording of the refusals the sandbox's services raise (config/locales/en.yml).
MESSAGES = {
    "text_too_long": "Validation failed: Text character limit of {limit} exceeded",
    "too_many_media": "Cannot attach more than {limit} files",
    "media_not_found": "Media not found or already attached to another post",
    "unsupported_media": "Validation failed: File content type is invalid",
    "file_too_large": "Validation failed: File file size must be less than {limit_bytes} bytes",
    "description_too_long": "Validation failed: Description is too long (maximum is {limit} characters)",
    "not_found": "Record not found",
}
FAULT_ANSWERS = {
    FaultKind.SERVER_ERROR: (500, "We're sorry, but something went wrong on our end."),
    FaultKind.UNAUTHORIZED: (401, "The access token was revoked"),
    FaultKind.REJECT: (422, "Validation failed: the server refused this content (sandbox fault)"),
}

ApiView = Callable[..., HttpResponse]


def mastodon_api(*methods: str, bearer: bool = True) -> Callable[[ApiView], ApiView]:
    """A view of the dialect: sandbox enabled, method allowed, the bearer's account, refusals as Error entities.

    With `bearer=False` (public endpoints) the view gets the token's account if there is one, else None.
    """

    def decorate(view: ApiView) -> ApiView:
        @csrf_exempt  # an API called with a bearer token, never by a browser form
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            if not settings.PLANNER_SANDBOX_ENABLED:
                return _error(404, MESSAGES["not_found"])
            if request.method not in methods:
                return _error(405, "Method not allowed", headers={"Allow": ", ".join(methods)})
            try:
                token = views._bearer_token(request)
                if bearer and not token:
                    # Mastodon: "This method requires an authenticated user" (Error401Example).
                    challenge = {"WWW-Authenticate": 'Bearer realm="Doorkeeper"'}
                    return _error(401, "This method requires an authenticated user", headers=challenge)
                account = services.account_for(PLATFORM, token) if token else None
                return view(request, account, **kwargs)
            except Refusal as refusal:
                return _refused(refusal)

        return wrapper

    return decorate


@mastodon_api("POST")
def media_upload(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    """POST /api/v2/media: 200 for an image (processed at once), 202 with `url` null for video."""
    if answer := _inject(services.take_fault(account, FaultScope.MEDIA)):
        return answer
    description = request.POST.get("description", "")
    media = uploads.store_media(account, uploads.check_upload(request.FILES.get("file"), description), description)
    return JsonResponse(_attachment(request, media), status=202 if _processing(media) else 200)


@mastodon_api("GET")
def media_detail(request: HttpRequest, account: SandboxAccount, media_id: str) -> HttpResponse:
    """GET /api/v1/media/:id: 206 without a body while processing, then the attachment with its `url`."""
    if answer := _inject(services.take_fault(account)):
        return answer
    media = account.media.filter(remote_id=media_id).first()
    if media is None:
        raise Refusal(404, "not_found")
    return HttpResponse(status=206) if _processing(media) else JsonResponse(_attachment(request, media))


@mastodon_api("POST")
def statuses(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    """POST /api/v1/statuses: stored once per Idempotency-Key; a repeated key answers the stored status."""
    fault = services.take_fault(account, FaultScope.CREATE)
    if answer := _inject(fault):
        return answer
    post, _created = services.store_post(
        account, _new_status(request), services.check_idempotency_key(request.headers.get("Idempotency-Key"))
    )
    if fault and fault.kind == FaultKind.DROP_REPLY:
        time.sleep(services.fault_sleep_s(fault))  # stored and committed; the reply is what gets lost
        return _error(504, "Gateway timeout")
    return JsonResponse(_status(request, post))


@mastodon_api("GET", "DELETE")
def status_detail(request: HttpRequest, account: SandboxAccount, status_id: str) -> HttpResponse:
    """GET or DELETE /api/v1/statuses/:id; the deleted status comes back with its source `text`."""
    if answer := _inject(services.take_fault(account)):
        return answer
    post = services.get_post(account, status_id)
    if request.method == "DELETE":
        services.delete_post(account, status_id)
        return JsonResponse(_status(request, post) | {"text": post.text})
    return JsonResponse(_status(request, post))


@mastodon_api("GET")
def verify_credentials(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    """GET /api/v1/accounts/verify_credentials: the token's account, as a CredentialAccount."""
    if answer := _inject(services.take_fault(account)):
        return answer
    source = {"privacy": "public", "sensitive": False, "language": None, "note": "", "fields": [],
              "follow_requests_count": 0, "indexable": False}  # fmt: skip
    role = {"id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": False}
    return JsonResponse(_account(request, account) | {"source": source, "role": role})


@mastodon_api("GET")
def account_statuses(request: HttpRequest, account: SandboxAccount, account_id: str) -> HttpResponse:
    """GET /api/v1/accounts/:id/statuses: newest first, paged by max_id, since_id and min_id."""
    if answer := _inject(services.take_fault(account)):
        return answer
    owner = SandboxAccount.objects.filter(platform=PLATFORM, pk=account_id if account_id.isdigit() else 0).first()
    if owner is None:
        raise Refusal(404, "not_found")
    found = owner.posts.filter(deleted_at__isnull=True).prefetch_related("attachments")
    limit = min(max(int(request.GET.get("limit", "") or STATUSES_DEFAULT), 1), STATUSES_MAX)
    for name, lookup in (("max_id", "pk__lt"), ("since_id", "pk__gt"), ("min_id", "pk__gt")):
        if anchor := request.GET.get(name):
            found = found.filter(**{lookup: _anchor_pk(owner, anchor)})
    if request.GET.get("min_id"):  # the page just after min_id, still answered newest first
        page = list(found.order_by("pk")[:limit])[::-1]
    else:
        page = list(found.order_by("-pk")[:limit])
    return JsonResponse([_status(request, post) for post in page], safe=False)


@mastodon_api("GET", bearer=False)
def instance(request: HttpRequest, account: SandboxAccount | None) -> HttpResponse:
    """GET /api/v2/instance: the server's limits, from the sandbox's own rules for Mastodon."""
    if account is not None and (answer := _inject(services.take_fault(account))):
        return answer
    rules = rules_for(PLATFORM)
    base = _base(request)
    configuration = {
        "urls": {"streaming": None, "status": None, "about": f"{base}about", "privacy_policy": None,
                 "terms_of_service": None},
        "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
        "statuses": {"max_characters": rules.text_limit, "max_media_attachments": rules.max_media,
                     "characters_reserved_per_url": rules.url_length or URL_LENGTH},
        "media_attachments": {
            "supported_mime_types": [*uploads.IMAGE_TYPES.values(), "video/mp4", "video/quicktime", "video/webm"],
            "description_limit": uploads.DESCRIPTION_MAX_CHARS, "image_size_limit": uploads.IMAGE_MAX_BYTES,
            "image_matrix_limit": 33_177_600, "video_size_limit": uploads.VIDEO_MAX_BYTES,
            "video_frame_rate_limit": 120, "video_matrix_limit": 8_294_400,
        },
        "polls": {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300,
                  "max_expiration": 2_629_746},
        "translation": {"enabled": False},
    }  # fmt: skip
    return JsonResponse({
        "domain": request.get_host(), "title": "Campaign planner sandbox", "version": "4.7.0",
        "source_url": "https://github.com/mastodon/mastodon", "description": "The planner's fake Mastodon server.",
        "usage": {"users": {"active_month": SandboxAccount.objects.filter(platform=PLATFORM).count()}},
        "thumbnail": {"url": f"{base}thumbnail.png"}, "icon": [], "languages": ["en", "fr", "ar"],
        "configuration": configuration, "api_versions": {"mastodon": 7},
        "registrations": {"enabled": False, "approval_required": False, "message": None},
        "contact": {"email": "sandbox@example.org", "account": None}, "rules": [],
    })  # fmt: skip


@csrf_exempt
def oauth_token(request: HttpRequest) -> HttpResponse:
    """POST /oauth/token: the generic token endpoint, taking the JSON body Mastodon documents as well as a form."""
    if request.method == "POST" and request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            return JsonResponse({"error": "invalid_request", "error_description": "a JSON object"}, status=400)
        form = QueryDict(mutable=True)
        form.update({key: str(value) for key, value in body.items()})
        request.POST = form
    return views.oauth_token(request, platform=PLATFORM)


def _new_status(request: HttpRequest) -> services.NewPost:
    """A POST /api/v1/statuses body (JSON, or a form with media_ids[]) as the sandbox's new post."""
    if request.content_type == "application/json":
        body = views._json_body(request)
    else:
        body = {key: request.POST.get(key) for key in request.POST} | {"media_ids": request.POST.getlist("media_ids[]")}
    if not isinstance(body, dict):
        raise Refusal(422, "invalid_request", detail="the body must be a JSON object")
    media_ids = body.get("media_ids") or []
    if not isinstance(media_ids, list) or not all(isinstance(i, str) for i in media_ids):
        raise Refusal(422, "invalid_request", detail="media_ids is a list of strings")
    reply_to = body.get("in_reply_to_id") or ""
    if reply_to and not SandboxPost.objects.filter(remote_id=reply_to, deleted_at__isnull=True).exists():
        raise Refusal(404, "not_found")
    generic = {"text": body.get("status") or "", "media": [{"id": i} for i in media_ids], "reply_to": reply_to}
    return replace(services.check_new_post(PLATFORM, generic), payload=body)


def _status(request: HttpRequest, post: SandboxPost) -> dict[str, Any]:
    base, account = _base(request), post.account
    attached = {media.remote_id: media for media in post.attachments.all()}
    media = [attached[m["id"]] for m in post.media if m.get("id") in attached]
    metrics = services.metrics_for(post)
    tags = sorted({tag.lower() for tag in HASHTAG.findall(post.text)})
    payload = post.payload if isinstance(post.payload, dict) else {}
    return {
        "id": post.remote_id, "created_at": views._instant(post.received_at),
        "uri": f"{base}users/{_username(account)}/statuses/{post.remote_id}",
        "url": f"{base}@{_username(account)}/{post.remote_id}",
        "account": _account(request, account), "content": _content(base, post.text),
        "visibility": payload.get("visibility") or "public", "sensitive": bool(payload.get("sensitive")),
        "spoiler_text": payload.get("spoiler_text") or "", "language": payload.get("language") or None,
        "media_attachments": [_attachment(request, m) for m in media],
        "mentions": [], "tags": [{"name": tag, "url": f"{base}tags/{tag}"} for tag in tags], "emojis": [],
        "replies_count": metrics["replies"], "reblogs_count": metrics["shares"],
        "favourites_count": metrics["likes"], "quotes_count": 0,
        "in_reply_to_id": post.reply_to or None,
        "in_reply_to_account_id": str(account.pk) if post.reply_to else None,
        "application": {"name": "Campaign planner", "website": None},
        "reblog": None, "poll": None, "card": None, "edited_at": None,
        "favourited": False, "reblogged": False, "muted": False, "bookmarked": False, "pinned": False,
    }  # fmt: skip


def _account(request: HttpRequest, account: SandboxAccount) -> dict[str, Any]:
    base, username = _base(request), _username(account)
    return {
        "id": str(account.pk), "username": username, "acct": username, "display_name": f"Sandbox account {account.pk}",
        "locked": False, "bot": False, "group": False, "discoverable": True, "indexable": False,
        "created_at": views._instant(account.created_at), "note": "", "url": f"{base}@{username}",
        "uri": f"{base}users/{username}", "avatar": f"{base}avatars/original/missing.png",
        "avatar_static": f"{base}avatars/original/missing.png", "header": f"{base}headers/original/missing.png",
        "header_static": f"{base}headers/original/missing.png", "followers_count": 0, "following_count": 0,
        "statuses_count": account.posts.filter(deleted_at__isnull=True).count(), "emojis": [], "fields": [],
    }  # fmt: skip


def _attachment(request: HttpRequest, media: SandboxMedia) -> dict[str, Any]:
    # The url of a processed file; the sandbox does not keep files, so it answers 404.
    url = None if _processing(media) else f"{_base(request)}system/media_attachments/{media.remote_id}"
    meta = {}
    if media.width and media.height:
        size = {"width": media.width, "height": media.height, "size": f"{media.width}x{media.height}"}
        meta = {"original": size | {"aspect": media.width / media.height}}
    return {
        "id": media.remote_id, "type": media.type, "url": url, "preview_url": url, "remote_url": None,
        "description": media.description or None, "blurhash": None, "meta": meta,
    }  # fmt: skip


def _processing(media: SandboxMedia) -> bool:
    return media.type != MediaType.IMAGE and timezone.now() - media.received_at < VIDEO_PROCESSING


def _content(base: str, text: str) -> str:
    """The status's HTML as Mastodon renders plain text: paragraphs, line breaks, links and hashtags."""
    paragraphs = [p for p in text.replace("\r\n", "\n").strip().split("\n\n") if p.strip()]
    return "".join(
        f"<p>{'<br />'.join(_linkify(base, line) for line in p.strip().split(chr(10)))}</p>" for p in paragraphs
    )


def _linkify(base: str, line: str) -> str:
    parts, start = [], 0
    for url in SCHEME_URL.finditer(line):
        parts.append(_hashtags(base, html.escape(line[start : url.start()], quote=False)))
        scheme, _, rest = url.group().partition("://")
        parts.append(
            f'<a href="{html.escape(url.group())}" rel="nofollow noopener" target="_blank">'
            f'<span class="invisible">{scheme}://</span><span class="">{html.escape(rest, quote=False)}</span>'
            '<span class="invisible"></span></a>'
        )
        start = url.end()
    return "".join(parts) + _hashtags(base, html.escape(line[start:], quote=False))


def _hashtags(base: str, escaped: str) -> str:
    return HASHTAG.sub(
        lambda m: (
            f'<a href="{base}tags/{m.group(1).lower()}" class="mention hashtag" rel="tag">#<span>{m.group(1)}</span></a>'
        ),
        escaped,
    )


def _inject(fault: services.SandboxFault | None) -> HttpResponse | None:
    """The answer a fault imposes now, as Mastodon would give it, or None to go on (after its latency)."""
    if (imposed := answers.imposed(fault)) is None:
        return None
    if imposed.kind == FaultKind.TIMEOUT:
        return _error(504, "Gateway timeout")
    if imposed.kind == FaultKind.RATE_LIMIT:
        # https://docs.joinmastodon.org/api/rate-limits/: X-RateLimit-Reset is an ISO 8601 timestamp.
        reset = (timezone.now() + dt.timedelta(seconds=imposed.retry_after_s)).astimezone(dt.UTC)
        headers = {
            "Retry-After": str(imposed.retry_after_s),
            "X-RateLimit-Limit": str(RATE_LIMIT_PER_PERIOD),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset.isoformat(timespec="microseconds"),
        }
        return _error(429, "Too many requests", headers=headers)  # fmt: skip
    status, message = FAULT_ANSWERS[imposed.kind]
    wait_s = imposed.retry_after_s
    headers = {"Retry-After": str(wait_s)} if status == 500 and wait_s is not None else None
    return _error(status, message, headers=headers)


def _refused(refusal: Refusal) -> JsonResponse:
    code, detail = refusal.body["error"], refusal.body
    if code == "invalid_token":
        # Doorkeeper's body says the description; the header says invalid_token (RFC 6750 §3).
        return _error(refusal.status, detail.get("error_description") or code, headers=refusal.headers)
    message = MESSAGES.get(code, code).format(**detail) if code in MESSAGES else code
    if code not in MESSAGES and detail.get("detail"):
        message = f"{code}: {detail['detail']}"
    return _error(refusal.status, message, headers=refusal.headers)


def _anchor_pk(owner: SandboxAccount, remote_id: str) -> int:
    anchor = owner.posts.filter(remote_id=remote_id).values_list("pk", flat=True).first()
    if anchor is None:
        raise Refusal(404, "not_found")
    return anchor


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("sandbox:timeline")) + f"{PLATFORM}/"


def _username(account: SandboxAccount) -> str:
    return f"sandbox{account.pk}"


def _error(status: int, message: str, *, headers: dict[str, str] | None = None) -> JsonResponse:
    # https://docs.joinmastodon.org/entities/Error/
    return JsonResponse({"error": message}, status=status, headers=headers)


# Left unnamed, as the generic dialect's (see publishing/sandbox/urls.py).
urlpatterns = [
    path("api/v2/media", media_upload),
    path("api/v1/media/<str:media_id>", media_detail),
    path("api/v1/statuses", statuses),
    path("api/v1/statuses/<str:status_id>", status_detail),
    path("api/v1/accounts/verify_credentials", verify_credentials),
    path("api/v1/accounts/<str:account_id>/statuses", account_statuses),
    path("api/v2/instance", instance),
    path("oauth/token", oauth_token),
]
