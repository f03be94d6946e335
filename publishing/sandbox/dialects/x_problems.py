"""What the sandbox's X dialect shares: the view decorator, X's problems, faults as X answers them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from publishing.sandbox import answers, services, views
from publishing.sandbox.models import FaultKind, SandboxAccount, SandboxFault, SandboxMedia
from publishing.sandbox.services import Refusal

PLATFORM = "x"
PROBLEMS = "https://api.x.com/2/problems/"
# GIFs and videos are "processed" this long after their upload is finalized; images are ready at once.
PROCESSING = dt.timedelta(milliseconds=300)
RATE_LIMIT_PER_WINDOW = 100  # POST /2/tweets per 15 minutes per user (docs.x.com/x-api/fundamentals/rate-limits)
REASONS = {400: "Invalid Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           429: "Too Many Requests", 500: "Internal Server Error", 504: "Gateway Timeout"}  # fmt: skip

ApiView = Callable[..., HttpResponse]


def x_api(*methods: str) -> Callable[[ApiView], ApiView]:
    """A view of the dialect: sandbox enabled, method allowed, the bearer's account, refusals as problems."""

    def decorate(view: ApiView) -> ApiView:
        @csrf_exempt  # an API called with a bearer token, never by a browser form
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            if not settings.PLANNER_SANDBOX_ENABLED:
                return problem(404, "Not found")
            if request.method not in methods:
                return problem(405, "Method not allowed", headers={"Allow": ", ".join(methods)})
            try:
                if not (token := views._bearer_token(request)):
                    return problem(401, "Unauthorized", headers={"WWW-Authenticate": 'Bearer realm="api.x.com"'})
                return view(request, services.account_for(PLATFORM, token), **kwargs)
            except Refusal as refusal:
                return refused(refusal)

        return wrapper

    return decorate


def media_key(media: SandboxMedia) -> str:
    # X's media keys: 3_ photos, 16_ animated GIFs, 7_ videos, then the media id.
    return {"image": "3", "gifv": "16", "video": "7"}.get(media.type, "3") + f"_{media.remote_id}"


def inject(fault: SandboxFault | None) -> HttpResponse | None:
    """The answer a fault imposes now, as X would give it, or None to go on (after its latency)."""
    if (imposed := answers.imposed(fault)) is None:
        return None
    if imposed.kind == FaultKind.TIMEOUT:
        return problem(504, "Gateway timeout")
    if imposed.kind == FaultKind.RATE_LIMIT:
        # https://docs.x.com/x-api/fundamentals/rate-limits: no Retry-After; the reset is an epoch second.
        headers = {"x-rate-limit-limit": str(RATE_LIMIT_PER_WINDOW), "x-rate-limit-remaining": "0",
                   "x-rate-limit-reset": str(imposed.reset_epoch_s)}  # fmt: skip
        return problem(429, "Too Many Requests", headers=headers)
    if imposed.kind == FaultKind.SERVER_ERROR:
        headers = {} if imposed.retry_after_s is None else {"Retry-After": str(imposed.retry_after_s)}
        return problem(500, "Internal error (sandbox fault)", type_="internal-error", headers=headers)
    if imposed.kind == FaultKind.UNAUTHORIZED:
        return problem(401, "Unauthorized")  # X says no more than that for a revoked token
    return problem(403, "You are not permitted to perform this action (sandbox fault).")


def refused(refusal: Refusal) -> JsonResponse:
    """A refusal of the sandbox's services as X's problem."""
    body = refusal.body
    if body["error"] == "invalid_token":
        return problem(401, body.get("error_description", "Unauthorized"), headers=refusal.headers)
    if body["error"] == "x_problem":
        return problem(refusal.status, body["detail"])
    if body["error"] == "not_found":
        return problem(404, "Could not find the resource.", type_="resource-not-found", resource_type="tweet")
    detail = "; ".join(f"{k}: {v}" for k, v in body.items() if k != "error")
    return problem(400, f"{body['error']}: {detail}" if detail else body["error"], type_="invalid-request")


def problem_refusal(status: int, detail: str) -> Refusal:
    return Refusal(status, "x_problem", detail=detail)


def problem(
    status: int, detail: str, *, type_: str = "", headers: dict[str, str] | None = None, **extra: str
) -> JsonResponse:
    """An RFC 9457 problem as X answers one (`type` about:blank for HTTP-level errors)."""
    # https://docs.x.com/x-api/fundamentals/response-codes-and-errors
    title = {"invalid-request": "Invalid Request", "resource-not-found": "Not Found Error"}.get(type_)
    body = {"type": f"{PROBLEMS}{type_}" if type_ else "about:blank", "title": title or REASONS.get(status, "Error"),
            "detail": detail, "status": status, **extra}  # fmt: skip
    return JsonResponse(body, status=status, headers=headers, content_type="application/problem+json")


def username(account: SandboxAccount) -> str:
    return f"sandbox{account.pk}"
