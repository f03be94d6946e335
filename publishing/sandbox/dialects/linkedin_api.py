"""What every view of the sandbox's LinkedIn dialect does first: the version headers, the bearer, faults, errors.

Errors are LinkedIn's `{"status", "serviceErrorCode", "code", "message"}`
(https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from publishing.sandbox import services, views
from publishing.sandbox.models import FaultKind, FaultScope
from publishing.sandbox.services import Refusal

PLATFORM = "linkedin"
VERSION = re.compile(r"20\d{2}(0[1-9]|1[0-2])")
FAULTS = {
    FaultKind.RATE_LIMIT: (429, 101, "TOO_MANY_REQUESTS", "Resource level throttle APPLICATION DAY limit reached"),
    FaultKind.SERVER_ERROR: (500, 0, "INTERNAL_SERVER_ERROR", "Internal Server Error"),
    FaultKind.UNAUTHORIZED: (401, 65601, "REVOKED_ACCESS_TOKEN", "The token used in the request has been revoked"),
    FaultKind.REJECT: (422, 100, "UNPROCESSABLE_ENTITY", "Content refused (sandbox fault)"),
}


class LinkedInError(Exception):
    def __init__(self, status: int, service_code: int, code: str, message: str) -> None:
        super().__init__(message)
        self.body = {"status": status, "serviceErrorCode": service_code, "code": code, "message": message}

    def answer(self) -> JsonResponse:
        return JsonResponse(self.body, status=self.body["status"])


def rest_api(*methods: str, fault: FaultScope | None = None) -> Callable[..., Callable[..., HttpResponse]]:
    """A view of the dialect: sandbox on, method allowed, version headers, the bearer's account, its faults."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt  # an API called with a bearer token, never by a browser form
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            try:
                if not settings.PLANNER_SANDBOX_ENABLED or request.method not in methods:
                    raise LinkedInError(
                        404 if not settings.PLANNER_SANDBOX_ENABLED else 405, 0, "NOT_FOUND", "Not Found"
                    )
                if not VERSION.fullmatch(request.headers.get("LinkedIn-Version", "")):
                    raise LinkedInError(
                        400,
                        0,
                        "VERSION_MISSING",
                        "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
                    )
                if request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
                    raise LinkedInError(400, 0, "ILLEGAL_ARGUMENT", "X-Restli-Protocol-Version 2.0.0 is required.")
                token = views._bearer_token(request)
                try:
                    account = services.account_for(PLATFORM, token) if token else None
                except Refusal:
                    account = None
                if account is None:
                    raise LinkedInError(401, 65600, "INVALID_ACCESS_TOKEN", "Invalid access token")
                inject(services.take_fault(account, fault))
                return view(request, account, **kwargs)
            except LinkedInError as error:
                return error.answer()
            except Refusal as refusal:  # a body that is not JSON, from the shared services
                return LinkedInError(refusal.status, 0, "ILLEGAL_ARGUMENT", str(refusal.body)).answer()

        return wrapper

    return decorate


def inject(fault: services.SandboxFault | None) -> None:
    if fault is None or fault.kind == FaultKind.DROP_REPLY:
        return
    if fault.kind in (FaultKind.LATENCY, FaultKind.TIMEOUT):
        time.sleep(services.fault_sleep_s(fault))
        if fault.kind == FaultKind.TIMEOUT:
            raise LinkedInError(504, 0, "GATEWAY_TIMEOUT", "Gateway Timeout")
        return
    raise LinkedInError(*FAULTS[fault.kind])
