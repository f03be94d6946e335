"""Adapters send the platform's rendition of an image where one was made, the original otherwise."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.test import Client

from campaigns.renditions import make_renditions
from publishing import media_urls
from publishing.adapters.mastodon import MastodonAdapter
from publishing.models import Publication
from publishing.sandbox.models import SandboxMedia
from tests import builders
from tests.contracts.on_sandbox import attach
from tests.sandbox.conftest import image_bytes


def sha256_of(field_file) -> str:
    with field_file.open("rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def test_mastodon_uploads_its_rendition_of_the_image_not_the_original(on_sandbox):
    photo = attach(on_sandbox, "queue", image_bytes(4800, 2700), {"en": "People queueing"}, 0, width=4800, height=2700)
    make_renditions(photo, ["mastodon"])
    rendition = photo.renditions.get(purpose="mastodon")

    MastodonAdapter().publish(Publication.objects.get(pk=on_sandbox.publication.pk))

    upload = SandboxMedia.objects.get()
    assert (upload.sha256, upload.size_bytes) == (sha256_of(rendition.file), rendition.size_bytes)
    assert (upload.width, upload.height) == (2560, 1440) and upload.sha256 != photo.checksum
    assert upload.description == "People queueing"


def test_without_a_rendition_the_original_is_uploaded(on_sandbox):
    photo = attach(on_sandbox, "nurse", image_bytes(640, 480), {"en": "A nurse"}, 0, width=640, height=480)

    MastodonAdapter().publish(Publication.objects.get(pk=on_sandbox.publication.pk))

    assert SandboxMedia.objects.get().sha256 == photo.checksum


def test_the_address_meta_fetches_serves_the_platforms_rendition(world, settings):
    content = image_bytes(1500, 1000)
    card = builders.make_media(
        world.ministry, "card", file=ContentFile(content, name="card.png"), mime_type="image/png",
        checksum=hashlib.sha256(content).hexdigest(), width=1500, height=1000, size_bytes=len(content),
    )  # fmt: skip
    make_renditions(card, ["instagram"])
    landscape = card.renditions.get(purpose="instagram", shape="landscape")

    url = media_urls.signed_url(card, as_jpeg=True, platform="instagram")
    response = Client().get(url.removeprefix(media_urls.public_base_url()))

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == sha256_of(landscape.file)
