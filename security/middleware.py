"""Session expiry, and the second sign-in step that a session must take before anything else."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from security import sessions, two_factor

# Each pending step reaches only its own pages (and signing out). Someone who has a password but not
# the second factor must not reach the enrolment page, or they could add an authenticator of their own.
ALLOWED_VIEWS = {
    "verify": {"two_factor_verify", "logout"},
    "enrol": {"two_factor_enrol", "logout"},
}


class SessionExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            reason = sessions.expiry_reason(request.session, now)
            if reason is None:
                sessions.note_activity(request.session, now)
            else:
                logout(request)
                messages.info(request, _expiry_message(reason))
        return self.get_response(request)


def _expiry_message(reason: str) -> str:
    if reason == "idle":
        return _("You were signed out after a while without activity. Please sign in again.")
    return _("Your session reached its maximum length. Please sign in again.")


class TwoFactorMiddleware:
    """Sends a session that owes a second factor (or an enrolment the policy requires) to that step.

    API requests that carry a token are left alone: tokens are for scripts and skip two-factor sign-in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
            return None
        step = two_factor.pending_step(request.user)
        if step is None or request.resolver_match.view_name in ALLOWED_VIEWS[step]:
            return None
        if request.path.startswith("/api/"):
            message = _("Finish signing in with your second factor first.")
            return JsonResponse(
                {"errors": [{"field": None, "code": "two_factor_required", "message": message}]}, status=403
            )
        target = reverse(f"two_factor_{step}")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            return HttpResponse(headers={"HX-Redirect": target})
        return HttpResponseRedirect(target)
