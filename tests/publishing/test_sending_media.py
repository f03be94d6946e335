"""Sending a variant with media to the sandbox over real HTTP: each file uploaded first, the post refers to them."""

from __future__ import annotations

import pytest

from publishing.adapters.base import Permanent, Transient
from publishing.adapters.sandbox import SandboxAdapter
from publishing.models import Publication
from publishing.sandbox.models import SandboxMedia, SandboxPost
from tests.contracts.on_sandbox import attach, fault
from tests.sandbox.conftest import image_bytes


def publish(world: object) -> object:
    return SandboxAdapter().publish(Publication.objects.get(pk=world.publication.pk))


def test_each_attached_image_is_uploaded_with_its_alt_text_then_posted_by_id_in_order(on_sandbox):
    second = attach(on_sandbox, "queue", image_bytes(1200, 675), {"en": "People queueing", "fr": "Une file"}, 2)
    first = attach(on_sandbox, "nurse", image_bytes(1080, 1350), {"en": "A nurse giving a flu jab"}, 1)

    published = publish(on_sandbox)

    post = SandboxPost.objects.get()
    assert published.remote_id == post.remote_id
    uploads = {m.remote_id: m for m in SandboxMedia.objects.all()}
    posted = [uploads[item["id"]] for item in post.media]
    assert [(m.sha256, m.description, m.width, m.height) for m in posted] == [
        (first.checksum, "A nurse giving a flu jab", 1080, 1350),
        (second.checksum, "People queueing", 1200, 675),
    ]
    assert all(m.post == post for m in posted)


def test_a_french_variant_uploads_the_french_alt_text(on_sandbox):
    on_sandbox.variant.language = "fr"
    on_sandbox.variant.save(update_fields=["language"])
    attach(on_sandbox, "queue", image_bytes(64, 64), {"en": "People queueing", "fr": "Une file d'attente"}, 0)

    publish(on_sandbox)

    assert SandboxMedia.objects.get().description == "Une file d'attente"


def test_a_variant_without_media_posts_without_uploading(on_sandbox):
    publish(on_sandbox)

    assert SandboxPost.objects.get().media == []
    assert not SandboxMedia.objects.exists()


def test_an_upload_whose_reply_is_lost_is_retried_later_as_nothing_was_posted(on_sandbox):
    attach(on_sandbox, "nurse", image_bytes(64, 64), {"en": "A nurse"}, 0)
    fault(on_sandbox, "timeout", remaining=1, applies_to="media")

    with pytest.raises(Transient, match="media upload got no answer"):
        publish(on_sandbox)

    assert not SandboxPost.objects.exists()
    assert publish(on_sandbox).remote_id == SandboxPost.objects.get().remote_id


def test_an_upload_the_platform_rejects_fails_without_posting(on_sandbox):
    attach(on_sandbox, "nurse", image_bytes(64, 64), {"en": "A nurse"}, 0)
    fault(on_sandbox, "reject", remaining=1, applies_to="media")

    with pytest.raises(Permanent):
        publish(on_sandbox)

    assert not SandboxPost.objects.exists()


def test_an_attached_file_missing_from_storage_fails_with_its_title(on_sandbox):
    asset = attach(on_sandbox, "nurse", image_bytes(64, 64), {"en": "A nurse"}, 0)
    asset.file.storage.delete(asset.file.name)

    with pytest.raises(Permanent, match="'nurse' cannot be read"):
        publish(on_sandbox)

    assert not SandboxPost.objects.exists()
