"""What the sandbox's Graph API dialects share (publishing/sandbox/dialects/meta.py, facebook.py).

Meta's error object (developers.facebook.com/docs/graph-api/guides/error-handling), the faults as
Meta would answer them, the bearer token (header or `access_token` parameter), parameters from the
query string or a form body alike, field selection, and the download of a media URL as Meta makes it.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from typing import Any

import httpx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, JsonResponse

from publishing.sandbox import media as uploads
from publishing.sandbox import services
from publishing.sandbox.models import FaultKind, MediaType, SandboxAccount, SandboxFault
from publishing.sandbox.services import Refusal

FETCH_TIMEOUT_S = 10.0


def user_id_for(account: SandboxAccount) -> str:
    """The sandbox's user (or Page) id of an account; it stays when the token is refreshed. Digits, as Meta's."""
    return f"178414{account.pk:011d}"


class GraphError(Exception):
    def __init__(self, code: int, message: str, *, subcode: int | None = None, status: int = 400, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.headers = status, extra.pop("headers", None)
        self.error = {"message": message, "type": extra.pop("type", "OAuthException"), "code": code}
        self.error |= ({"error_subcode": subcode} if subcode else {}) | extra


class GatewayTimeout(Exception):
    """What the proxy in front answers when the server took too long (the sandbox's timeout faults)."""


def select_fields(values: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
    """Only the fields asked for, and the id (Graph API field selection); all without `fields`."""
    if not (asked := {f for f in params.get("fields", "").split(",") if f}):
        return values
    return {k: v for k, v in values.items() if k in asked or k == "id"}


def inject(fault: SandboxFault | None) -> SandboxFault | None:
    """Raise the answer a fault imposes now, or return it (after its latency) for the view to finish."""
    if fault is None or fault.kind in (FaultKind.DROP_REPLY, FaultKind.REJECT):
        return fault
    if fault.kind in (FaultKind.LATENCY, FaultKind.TIMEOUT):
        time.sleep(services.fault_sleep_s(fault))
        if fault.kind == FaultKind.TIMEOUT:
            raise GatewayTimeout
        return fault
    if fault.kind == FaultKind.RATE_LIMIT:
        wait_s = services.DEFAULT_RETRY_AFTER_S if fault.retry_after_s is None else fault.retry_after_s
        usage = {"type": fault.account.platform, "call_count": 100, "total_cputime": 10, "total_time": 10,
                 "estimated_time_to_regain_access": math.ceil(wait_s / 60)}  # fmt: skip
        headers = {"X-Business-Use-Case-Usage": json.dumps({user_id_for(fault.account): [usage]})}
        raise GraphError(4, "Application request limit reached", headers=headers, is_transient=True)
    if fault.kind == FaultKind.SERVER_ERROR:
        raise GraphError(2, "An unexpected error has occurred. Please retry your request later.", status=500,
                         is_transient=True)  # fmt: skip
    raise GraphError(
        190, "Error validating access token: The session has been invalidated (sandbox fault).", subcode=460
    )


def bearer(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip() if scheme.lower() in ("bearer", "oauth") else ""
    if not (token := token or request.GET.get("access_token", "").strip()):
        raise GraphError(2500, "An active access token must be used to query information about the current user.")
    return token


def account_of(platform: str, token: str) -> SandboxAccount:
    try:
        return services.account_for(platform, token)
    except Refusal as refusal:
        expired = "expired" in str(refusal.body.get("error_description", ""))
        message = "Session has expired" if expired else "The session has been invalidated"
        raise GraphError(190, f"Error validating access token: {message}.", subcode=463 if expired else 460) from None


def parameters(request: HttpRequest) -> dict[str, str]:
    """Graph parameters come in the query string or a form body alike; the token is not one."""
    values = request.GET.dict() | (request.POST.dict() if request.method == "POST" else {})
    values.pop("access_token", None)
    return values


def unsupported(method: str, name: str) -> GraphError:
    message = (f"Unsupported {method.lower()} request. Object with ID '{name}' does not exist, cannot be loaded due to "
               "missing permissions, or does not support this operation.")  # fmt: skip
    return GraphError(100, message, subcode=33, type="GraphMethodException")


def answer(error: GraphError) -> JsonResponse:
    body = {"error": error.error | {"fbtrace_id": secrets.token_urlsafe(8)}}
    return JsonResponse(body, status=error.status, headers=error.headers)


def fetch_media(
    account: SandboxAccount, url: str, alt: str, image_types: tuple[str, ...], aspect: tuple[float, float] | None = None
) -> dict[str, str]:
    """Download the container's media as Meta does, measure it, keep its facts (not its bytes)."""
    try:
        response = httpx.get(url, timeout=FETCH_TIMEOUT_S)
        response.raise_for_status()
    except (httpx.HTTPError, ValueError) as error:
        # Meta's table: 2207052 "Media download has failed. The media URI doesn't meet our requirements."
        raise GraphError(9004, f"Media download has failed ({error.__class__.__name__})", subcode=2207052) from error
    try:
        measured = uploads.check_upload(SimpleUploadedFile("media", response.content), alt)
    except Refusal as refusal:
        raise GraphError(9004, "Only photo or video can be accepted as media type.", subcode=2207052) from refusal
    if measured.type == MediaType.IMAGE and measured.mime_type not in image_types:
        # The code is the sandbox's choice; the rule is the platform's (JPEG only on Instagram, for one).
        raise GraphError(36001, f"The image format {measured.mime_type} is not supported.", subcode=2207005)
    if aspect and measured.type == MediaType.IMAGE and not aspect[0] <= measured.width / measured.height <= aspect[1]:
        raise GraphError(36003, "The aspect ratio is not supported.", subcode=2207009)
    return {"id": uploads.store_media(account, measured, alt).remote_id, "alt": alt}
