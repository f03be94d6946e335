"""Signed public addresses of media files: what Instagram and Threads download, and nothing else."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from publishing import media_urls
from tests import builders


@pytest.fixture
def card(world, settings):
    settings.PLANNER_PUBLIC_BASE_URL = "https://planner.example.org/"
    return builders.make_media(
        world.ministry, "Flu card", file=ContentFile(b"\xff\xd8\xff-a-jpeg", name="card.jpg"), mime_type="image/jpeg"
    )


def path_of(url: str) -> str:
    return url.removeprefix("https://planner.example.org")


def test_a_signed_address_serves_the_file_without_a_login(card):
    url = media_urls.signed_url(card)
    response = Client().get(path_of(url))

    assert url.startswith("https://planner.example.org/public-media/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff-a-jpeg"
    assert response["Cache-Control"] == "private, no-store"


def test_the_address_falls_back_to_the_local_server_at_planner_port(card, settings):
    del settings.PLANNER_PUBLIC_BASE_URL
    settings.PLANNER_PORT = 8123

    assert media_urls.signed_url(card).startswith("http://127.0.0.1:8123/public-media/")


def test_a_tampered_address_is_not_found(card):
    token = media_urls.signed_url(card).rsplit("/", 1)[1]

    assert Client().get(f"/public-media/{token[:-2]}xx").status_code == 404


def test_an_address_signed_for_another_purpose_or_another_asset_is_not_found(world, card):
    other = builders.make_media(world.clinic, "Their card", file=ContentFile(b"theirs", name="theirs.jpg"))
    forged = signing.dumps({"asset": other.pk, "organisation": world.ministry.pk, "checksum": other.checksum},
                           salt="publishing.media_urls.platform-fetch")  # fmt: skip
    elsewhere = signing.dumps(
        {"asset": card.pk, "organisation": card.organisation_id, "checksum": card.checksum}, salt="another-purpose"
    )

    assert Client().get(f"/public-media/{forged}").status_code == 404
    assert Client().get(f"/public-media/{elsewhere}").status_code == 404


def test_an_address_of_a_replaced_file_is_not_found(card):
    url = media_urls.signed_url(card)
    card.checksum = "another-file"
    card.save(update_fields=["checksum"])

    assert Client().get(path_of(url)).status_code == 404


def test_an_expired_address_is_gone(card, monkeypatch):
    url = media_urls.signed_url(card)
    later = time.time() + media_urls.DEFAULT_LIFETIME.total_seconds() + dt.timedelta(minutes=1).total_seconds()
    monkeypatch.setattr(time, "time", lambda: later)  # the clock, not our code: signing reads time.time()

    assert Client().get(path_of(url)).status_code == 410


def test_only_reading_is_allowed(card):
    assert Client().post(path_of(media_urls.signed_url(card))).status_code == 405


def test_an_address_for_instagram_serves_a_png_as_a_jpeg_flattened_on_white(world, settings):
    settings.PLANNER_PUBLIC_BASE_URL = "https://planner.example.org/"
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 30), (200, 30, 60, 0)).save(buffer, "PNG")  # fully transparent
    poster = builders.make_media(
        world.ministry, "Poster", file=ContentFile(buffer.getvalue(), name="poster.png"), mime_type="image/png"
    )

    response = Client().get(path_of(media_urls.signed_url(poster, as_jpeg=True)))

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as image:
        assert (image.format, image.size) == ("JPEG", (40, 30))
        assert image.getpixel((0, 0)) == (255, 255, 255)
