"""The sandbox notes when each of its requests arrived, before the rest of the stack handles it.

A server that knows better may say so in the WSGI environ (ARRIVED_AT_ENVIRON, seconds since the epoch): the tests'
server passes the kernel's receive time of the request's first packet (tests/loopback.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from publishing.sandbox import services

SANDBOX_PREFIX = "/sandbox/"
ARRIVED_AT_ENVIRON = "planner.arrived_at"


def arrival_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """First in MIDDLEWARE: a sandbox request's arrival, for the post it stores (`services.request_arrived_at`)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(SANDBOX_PREFIX):
            return get_response(request)
        told = request.META.get(ARRIVED_AT_ENVIRON)
        arrived = dt.datetime.fromtimestamp(told, dt.UTC) if isinstance(told, float) else timezone.now()
        token = services.request_arrived_at.set(arrived)
        try:
            return get_response(request)
        finally:
            services.request_arrived_at.reset(token)

    return middleware
