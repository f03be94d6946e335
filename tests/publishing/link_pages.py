"""A web page with Open Graph tags and its picture, served by the live test server beside the whole site.

Used with `@pytest.mark.urls("tests.publishing.link_pages")`: the Bluesky adapter reads it for a link card.
"""

from __future__ import annotations

import io
import random

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import include, path
from PIL import Image

from tests.sandbox.conftest import image_bytes

PAGE = """<!doctype html><html><head><title>Flu jabs | Ministry</title>
<meta property="og:title" content="Free flu jabs this week">
<meta property="og:description" content="Find a pharmacy near you &amp; book.">
<meta property="og:image" content="/links/flu/card.png">
<meta name="description" content="Plain description"></head><body>…</body></html>"""
PLAIN = "<html><head><title> Opening hours </title><meta name='description' content='Mon to Fri'></head></html>"


def flu(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


def picture(request: HttpRequest) -> HttpResponse:
    return HttpResponse(image_bytes(1200, 630), content_type="image/png")


def noisy(request: HttpRequest) -> HttpResponse:
    """A picture over the blob limit: 1000 by 800 of noise is ~2.4 MB as a PNG."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (1000, 800), random.Random(5).randbytes(1000 * 800 * 3)).save(buffer, "PNG")
    return HttpResponse(buffer.getvalue(), content_type="image/png")


def hours(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PLAIN, content_type="text/html")


urlpatterns = [
    path("links/flu", flu),
    path("links/flu/card.png", picture),
    path("links/noisy", lambda request: HttpResponse(PAGE.replace("/links/flu/card.png", "/links/noisy.png"))),
    path("links/noisy.png", noisy),
    path("links/hours", hours),
    path("links/moved", lambda request: HttpResponseRedirect("/links/hours")),
    path("", include("planner.urls")),
]
