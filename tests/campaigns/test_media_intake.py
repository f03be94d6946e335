"""Uploads are judged by their content: what the library takes, and each refusal naming its rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from campaigns.media import add_to_library
from campaigns.media_intake import inspect_upload
from campaigns.models import MediaAsset
from tests import media_files


def refusal_of(content: bytes, name: str = "card.png") -> str:
    with pytest.raises(ValidationError) as refused:
        inspect_upload(media_files.upload(name, content))
    (message,) = refused.value.message_dict["file"]
    return message


@pytest.mark.parametrize(
    ("fmt", "mime_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("GIF", "image/gif"), ("WEBP", "image/webp"),
     ("BMP", "image/bmp"), ("TIFF", "image/tiff")],
)  # fmt: skip
def test_every_image_format_the_platforms_take_is_accepted_whatever_its_name(fmt, mime_type):
    facts = inspect_upload(media_files.upload("photo.bin", media_files.image_bytes(fmt), "text/plain"))

    assert (facts.kind, facts.mime_type, facts.width, facts.height) == ("image", mime_type, 64, 48)
    assert len(facts.checksum) == 64


def test_a_png_named_jpg_is_a_png():
    facts = inspect_upload(media_files.upload("card.jpg", media_files.image_bytes("PNG"), "image/jpeg"))

    assert facts.mime_type == "image/png"


def test_an_animated_gif_is_kind_gif_with_its_frames_counted():
    facts = inspect_upload(media_files.upload("wave.gif", media_files.animated_gif(frames=4)))

    assert (facts.kind, facts.frames) == ("gif", 4)


def test_a_still_gif_is_an_image():
    assert inspect_upload(media_files.upload("dot.gif", media_files.image_bytes("GIF"))).kind == "image"


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = media_files.png_bomb(50_000, 50_000)
    assert len(bomb) < 100_000

    assert refusal_of(bomb) == "This image is 2,500 megapixels: the library takes at most 40 megapixels."


def test_an_image_over_the_pixel_limit_is_refused_with_its_dimensions():
    message = refusal_of(media_files.png_bomb(8_000, 6_000))

    assert message == "This image is 8,000 × 6,000 pixels: the library takes at most 40 megapixels."


def test_a_truncated_jpeg_is_refused_as_cut_short():
    assert refusal_of(media_files.truncated_jpeg(), "photo.jpg").startswith("This image is cut short or damaged")


@pytest.mark.parametrize("content", [media_files.SVG, media_files.HTML], ids=["svg", "html"])
def test_markup_renamed_png_is_refused(content):
    assert refusal_of(content).startswith("This file is a drawing or a web page (SVG, HTML), not a picture")


def test_a_file_that_is_neither_image_nor_video_is_refused_with_what_the_library_takes():
    message = refusal_of(b"%PDF-1.7 a leaflet")

    assert message.startswith("This file is not an image or a video the library takes (JPEG, PNG")


def test_an_animated_png_is_refused_the_platforms_take_gifs():
    frames = [media_files.drawing(), media_files.drawing().rotate(180)]
    import io

    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])

    assert refusal_of(buffer.getvalue()).startswith("This image is an animated PNG")


@override_settings(PLANNER_MAX_IMAGE_BYTES=1_000)
def test_an_image_over_the_size_limit_is_refused_naming_the_limit():
    message = refusal_of(media_files.image_bytes("BMP"))

    assert message == "This image is 9.1\xa0KB: the library takes images of at most 1000\xa0bytes."


@override_settings(PLANNER_MAX_VIDEO_BYTES=1_000)
def test_a_file_over_the_video_limit_is_refused_before_it_is_read():
    assert refusal_of(media_files.video_bytes(), "clip.mp4").startswith("This file is 1.")


def test_a_refused_upload_leaves_nothing_in_the_library(world):
    with pytest.raises(ValidationError):
        add_to_library(world.ministry, media_files.upload("x.png", media_files.truncated_jpeg()), "X", {}, world.editor)

    assert not MediaAsset.objects.exists()


def test_the_editor_upload_refuses_a_bomb_on_the_file_field_and_attaches_nothing(world):
    from django.urls import reverse

    from tests.campaigns.test_item_pages import logged_in

    url = reverse("variant_media", args=[world.item.pk, world.variant.pk])
    form = {"version": world.item.version, "file": media_files.upload("card.png", media_files.png_bomb()), "title": "B"}

    response = logged_in(world.editor).post(url, form)

    assert response.status_code == 400
    errors = [row["media_failed"].errors for row in response.context["variants"] if row["media_failed"]]
    assert errors == [{"file": ["This image is 2,500 megapixels: the library takes at most 40 megapixels."]}]
    assert not MediaAsset.objects.exists() and not world.variant.media.exists()


def test_the_editor_uploads_a_video_and_attaches_it(world):
    from django.urls import reverse

    from tests.campaigns.test_item_pages import logged_in

    url = reverse("variant_media", args=[world.item.pk, world.variant.pk])
    clip = media_files.upload("clip.mp4", media_files.video_bytes(), "video/mp4")

    response = logged_in(world.editor).post(url, {"version": world.item.version, "file": clip, "title": "Clip"})

    assert response.status_code == 302
    assert world.variant.media.get().kind == "video"


def test_the_admin_form_refuses_svg_renamed_png_on_the_file_field_and_saves_nothing(world):
    from django.urls import reverse

    from tests.campaigns.test_item_pages import logged_in

    upload = media_files.upload("card.png", media_files.SVG)
    form = {"organisation": world.ministry.pk, "title": "Drawing", "file": upload, "alt_text": "{}"}

    response = logged_in(world.admin).post(reverse("admin:campaigns_mediaasset_add"), form)

    (message,) = response.context["adminform"].form.errors["file"]
    assert message.startswith("This file is a drawing or a web page")
    assert not MediaAsset.objects.exists()


def test_the_admin_form_stores_the_cleaned_photo(world):
    from django.urls import reverse

    from tests.campaigns.test_item_pages import logged_in

    upload = media_files.upload("ward.jpg", media_files.jpeg_with_gps(), "image/jpeg")
    form = {"organisation": world.ministry.pk, "title": "Ward", "file": upload, "alt_text": "{}"}

    response = logged_in(world.admin).post(reverse("admin:campaigns_mediaasset_add"), form)

    assert response.status_code == 302
    with MediaAsset.objects.get().file.open("rb") as stored:
        assert b"WardCam" not in stored.read()


def test_an_upload_refused_for_a_stale_version_leaves_no_asset_and_no_file(world):
    from pathlib import Path

    from django.conf import settings
    from django.urls import reverse

    from tests.campaigns.test_item_pages import logged_in

    def stored_files() -> set[Path]:
        return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}

    before = stored_files()
    url = reverse("variant_media", args=[world.item.pk, world.variant.pk])
    clip = media_files.upload("clip.mp4", media_files.video_bytes(), "video/mp4")

    response = logged_in(world.editor).post(url, {"version": world.item.version + 7, "file": clip, "title": "Clip"})

    assert response.status_code == 409
    assert not MediaAsset.objects.exists()
    assert stored_files() == before
