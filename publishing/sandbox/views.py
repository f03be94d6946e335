"""The sandbox platform over HTTP: the JSON dialect on /sandbox/<platform>/ and the timeline page. Thin."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt

from publishing.platforms import Platform
from publishing.sandbox import answers, oauth, services
from publishing.sandbox import media as uploads
from publishing.sandbox.models import FaultKind, FaultScope, SandboxAccount, SandboxFault, SandboxMedia, SandboxPost
from publishing.sandbox.services import Refusal

ApiView = Callable[..., HttpResponse]


def api(*methods: str, bearer: bool = True) -> Callable[[ApiView], ApiView]:
    """A view of the dialect: sandbox enabled, platform known, method allowed, bearer token, refusals as JSON.

    With `bearer=False` (the token endpoint, which authenticates by its form) the view gets the platform
    instead of the account.
    """

    def decorate(view: ApiView) -> ApiView:
        @csrf_exempt  # an API called with a bearer token, never by a browser form
        @wraps(view)
        def wrapper(request: HttpRequest, platform: str, **kwargs: Any) -> HttpResponse:
            if not settings.PLANNER_SANDBOX_ENABLED:
                return _error(404, "not_found")
            if platform not in Platform.values:
                return _error(404, "unknown_platform", platforms=Platform.values)
            if request.method not in methods:
                return _error(405, "method_not_allowed", headers={"Allow": ", ".join(methods)})
            token = _bearer_token(request)
            if bearer and not token:
                return _error(401, "unauthorized", headers={"WWW-Authenticate": 'Bearer realm="sandbox"'})
            try:
                return view(request, services.account_for(platform, token) if bearer else platform, **kwargs)
            except Refusal as refusal:
                return JsonResponse(refusal.body, status=refusal.status, headers=refusal.headers)

        return wrapper

    return decorate


@api("GET", "POST")
def posts(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    if request.method == "GET":
        if answer := _inject(services.take_fault(account)):
            return answer
        found = services.find_posts(
            account,
            idempotency_key=request.GET.get("idempotency_key"),
            since=services.parse_since(request.GET.get("since")),
        )
        return JsonResponse({"results": [_summary(request, post) for post in found]})
    fault = services.take_fault(account, FaultScope.CREATE)
    if answer := _inject(fault):
        return answer
    new = services.check_new_post(account.platform, _json_body(request))
    post, created = services.store_post(
        account, new, services.check_idempotency_key(request.headers.get("Idempotency-Key"))
    )
    if fault and fault.kind == FaultKind.DROP_REPLY:
        # Stored and committed; the reply is what gets lost.
        time.sleep(services.fault_sleep_s(fault))
        return _error(504, "gateway_timeout")
    if created:
        return JsonResponse(_summary(request, post), status=201)
    return JsonResponse(_summary(request, post), status=200, headers={"Idempotent-Replayed": "true"})


@api("GET", "DELETE")
def post_detail(request: HttpRequest, account: SandboxAccount, remote_id: str) -> HttpResponse:
    if answer := _inject(services.take_fault(account)):
        return answer
    if request.method == "DELETE":
        services.delete_post(account, remote_id)
        return HttpResponse(status=204)
    post = services.get_post(account, remote_id)
    detail = {"text": post.text, "link": post.link, "media": post.media, "reply_to": post.reply_to or None}
    return JsonResponse(_summary(request, post) | detail | {"idempotency_key": post.idempotency_key})


@api("GET")
def post_metrics(request: HttpRequest, account: SandboxAccount, remote_id: str) -> HttpResponse:
    if answer := _inject(services.take_fault(account)):
        return answer
    return JsonResponse(services.metrics_for(services.get_post(account, remote_id)))


@api("POST")
def media(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    if answer := _inject(services.take_fault(account, FaultScope.MEDIA)):
        return answer
    description = request.POST.get("description", "")
    measured = uploads.check_upload(request.FILES.get("file"), description)
    return JsonResponse(_describe_media(uploads.store_media(account, measured, description)))


@api("POST", bearer=False)
def register_app(request: HttpRequest, platform: str) -> HttpResponse:
    """POST /api/v1/apps (Mastodon): JSON or a form, as https://docs.joinmastodon.org/methods/apps/#create takes."""
    if request.content_type == "application/json":
        body = _json_body(request)
    else:
        body = request.POST.dict() | {"redirect_uris": request.POST.getlist("redirect_uris") or None}
    if not isinstance(body, dict):
        raise Refusal(422, "invalid_request", detail="the body must be a JSON object")
    return JsonResponse(oauth.register_app(platform, body))


def authorize(request: HttpRequest, platform: str) -> HttpResponse:
    """The authorization page (RFC 6749 §4.1.1): a person authorizes or denies, and goes back with a code or an error.

    The sandbox has no people: "sign in as" names one of its accounts (sandbox7), or none for a new one.
    """
    if not settings.PLANNER_SANDBOX_ENABLED or platform not in Platform.values:
        raise Http404
    params = request.POST if request.method == "POST" else request.GET
    context = {"platform": platform, "params": params}
    try:
        client = oauth.check_client(platform, params.get("client_id", ""), params.get("redirect_uri", ""))
    except Refusal as refusal:
        # A client or redirect URI that cannot be trusted is told to the person, never redirected to.
        return render(request, "sandbox/authorize.html", context | {"refusal": refusal.body}, status=refusal.status)
    context |= {"client": client, "scopes": (params.get("scope") or "read").split()}
    if request.method != "POST":
        return render(request, "sandbox/authorize.html", context)
    back = {"state": params["state"]} if params.get("state") else {}
    if "authorize" not in request.POST:
        back |= {"error": "access_denied", "error_description": "The user denied the authorization."}
        return _redirect_back(client, params["redirect_uri"], back)
    username = request.POST.get("username", "").strip()
    account_pk = int(username.removeprefix("sandbox")) if username.removeprefix("sandbox").isdigit() else None
    if username and not SandboxAccount.objects.filter(platform=platform, pk=account_pk).exists():
        return render(request, "sandbox/authorize.html", context | {"unknown_user": username}, status=400)
    try:
        code = oauth.authorize(client, params, account_pk)
    except Refusal as refusal:
        # RFC 6749 §4.1.2.1: other errors go back to the client, with the state.
        back |= {"error": refusal.body["error"], "error_description": refusal.body.get("error_description", "")}
        return _redirect_back(client, params["redirect_uri"], back)
    return _redirect_back(client, params["redirect_uri"], back | {"code": code})


def _redirect_back(client: oauth.Client, redirect_uri: str, query: dict[str, str]) -> HttpResponse:
    separator = "&" if "?" in redirect_uri else "?"
    response = HttpResponseRedirect(f"{redirect_uri}{separator}{urlencode(query)}")
    response.allowed_schemes = ["http", "https"]
    return response


@api("POST", bearer=False)
def oauth_token(request: HttpRequest, platform: str) -> HttpResponse:
    # For the refresh grant, client_id and client_secret (in the form or as HTTP Basic) are accepted, not checked.
    if request.POST.get("grant_type") == "authorization_code":
        authorization = oauth.check_code_grant(platform, request.POST, _basic_secret(request))
        tokens = oauth.exchange_code(platform, authorization)
        return JsonResponse(tokens, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
    account, scope = oauth.check_refresh_grant(platform, request.POST)
    fault = services.take_fault(account, FaultScope.TOKEN)
    if fault and fault.kind == FaultKind.UNAUTHORIZED:
        # RFC 6749 §5.2: a client the server does not recognise is 401 invalid_client.
        description = "client authentication failed (sandbox fault)"
        return _error(401, "invalid_client", error_description=description, headers={"WWW-Authenticate": "Basic"})
    if answer := _inject(fault):
        return answer
    # RFC 6749 §5.1: an answer with tokens is never cached.
    return JsonResponse(oauth.refresh(account, scope), headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@api("GET", "POST", "DELETE")
def faults(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    if request.method == "POST":
        return JsonResponse(_describe_fault(services.add_fault(account, _json_body(request))), status=201)
    if request.method == "DELETE":
        services.clear_faults(account)
        return HttpResponse(status=204)
    return JsonResponse({"results": [_describe_fault(f) for f in services.active_faults(account)]})


def timeline(request: HttpRequest) -> HttpResponse:
    if not settings.PLANNER_SANDBOX_ENABLED:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Staff only: the sandbox holds what every organisation sent.
    if not request.user.is_staff:
        raise PermissionDenied
    return render(request, "sandbox/timeline.html", {"accounts": services.timeline()})


def _inject(fault: SandboxFault | None) -> HttpResponse | None:
    """The answer a fault imposes now, or None to go on (after its latency, if any)."""
    if (imposed := answers.imposed(fault)) is None:
        return None
    if imposed.kind == FaultKind.TIMEOUT:
        return _error(504, "gateway_timeout")
    if imposed.kind == FaultKind.RATE_LIMIT:
        wait_s = imposed.retry_after_s
        # x-rate-limit-reset is X's header: the epoch second the window opens again.
        headers = {"Retry-After": str(wait_s), "x-rate-limit-reset": str(imposed.reset_epoch_s)}
        return _error(429, "rate_limited", retry_after=wait_s, headers=headers | {"x-rate-limit-remaining": "0"})
    if imposed.kind == FaultKind.SERVER_ERROR:
        headers = {} if imposed.retry_after_s is None else {"Retry-After": str(imposed.retry_after_s)}
        return _error(500, "internal_error", headers=headers)
    if imposed.kind == FaultKind.UNAUTHORIZED:
        return _error(401, "token revoked")
    return _error(422, "content_rejected", detail="the platform refused this content (sandbox fault)")


def _summary(request: HttpRequest, post: SandboxPost) -> dict[str, Any]:
    base = request.build_absolute_uri(reverse("sandbox:timeline"))
    return {
        "id": post.remote_id,
        "url": f"{base}{post.account.platform}/posts/{post.remote_id}",
        "created_at": _instant(post.received_at),
    }


def _describe_media(media: SandboxMedia) -> dict[str, Any]:
    # The shape of Mastodon's MediaAttachment entity; meta.original only where the file was measured.
    original = {}
    if media.width and media.height:
        size = {"width": media.width, "height": media.height, "size": f"{media.width}x{media.height}"}
        original = size | {"aspect": media.width / media.height}
    return {
        "id": media.remote_id, "type": media.type, "url": None, "description": media.description or None,
        "meta": {"original": original} if original else {},
        "mime_type": media.mime_type, "size_bytes": media.size_bytes, "sha256": media.sha256,
    }  # fmt: skip


def _describe_fault(fault: SandboxFault) -> dict[str, Any]:
    fields = ("kind", "applies_to", "remaining", "retry_after_s", "latency_ms")
    return {"id": fault.pk, **{name: getattr(fault, name) for name in fields}, "created_at": _instant(fault.created_at)}


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _basic_secret(request: HttpRequest) -> str:
    """The client secret of HTTP Basic client authentication (RFC 6749 §2.3.1), if sent that way."""
    import base64
    from urllib.parse import unquote

    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        return unquote(base64.b64decode(encoded.strip()).decode().partition(":")[2])
    except (ValueError, UnicodeDecodeError):
        return ""


def _bearer_token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _json_body(request: HttpRequest) -> object:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise Refusal(400, "invalid_json") from None


def _error(status: int, error: str, *, headers: dict[str, str] | None = None, **detail: Any) -> JsonResponse:
    return JsonResponse({"error": error, **detail}, status=status, headers=headers)
