"""Colour profiles: an image in a wide-gamut profile is stored, and made into renditions, with its colours in sRGB."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageCms

from campaigns.media import add_to_library
from campaigns.models import MediaAsset, Rendition
from campaigns.renditions import make_renditions
from publishing.platforms import Platform
from tests import builders, media_files
from tests.icc_profiles import rgb_display_profile

ADOBE_RGB = rgb_display_profile()
SRGB = ImageCms.createProfile("sRGB")
# A mid green Adobe RGB shows and sRGB cannot: converted, its red drops to 0 and its blue by a few levels.
MID_GREEN = (60, 160, 90)
# JPEG's re-encoding (and, for renditions, resizing) moves a flat colour by a few levels, no more.
JPEG_LEVELS = 4


def in_srgb(rgb: tuple[int, ...]) -> tuple[int, ...]:
    """LittleCMS's own conversion of one Adobe RGB colour to sRGB: what the library should store."""
    pixel = Image.new("RGB", (1, 1), rgb[:3])
    return ImageCms.profileToProfile(pixel, ImageCms.ImageCmsProfile(io.BytesIO(ADOBE_RGB)), SRGB).getpixel((0, 0))


def tagged(fmt: str, colour: tuple[int, ...] = MID_GREEN, size: tuple[int, int] = (400, 300)) -> bytes:
    """A flat image of `colour` in `fmt`, tagged with the Adobe RGB profile."""
    mode = "RGBA" if len(colour) == 4 else "RGB"
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, fmt, icc_profile=ADOBE_RGB, **({"quality": 95} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def decoded(file) -> Image.Image:
    with file.open("rb") as opened:
        image = Image.open(io.BytesIO(opened.read()))
        image.load()
        return image


def centre(image: Image.Image) -> tuple[int, ...]:
    return image.getpixel((image.width // 2, image.height // 2))


def assert_near(found: tuple[int, ...], wanted: tuple[int, ...], levels: int) -> None:
    assert max(abs(a - b) for a, b in zip(found, wanted, strict=True)) <= levels, (found, wanted)


def test_the_hand_built_profile_is_a_wide_gamut_rgb_display_profile_littlecms_reads():
    profile = ImageCms.ImageCmsProfile(io.BytesIO(ADOBE_RGB))

    assert (profile.profile.device_class, profile.profile.xcolor_space) == ("mntr", "RGB ")
    assert ImageCms.getProfileDescription(profile).startswith("Adobe RGB (1998) compatible")
    # Adobe RGB's green is beyond sRGB's: clipped to sRGB's own green, red and blue stay at 0.
    green = in_srgb((0, 255, 0))
    assert green[1] == 255 and green[0] <= 2 and green[2] <= 2
    # A mid green moves measurably; a grey, on the same white, hardly does.
    converted = in_srgb(MID_GREEN)
    assert converted[0] <= 5 and max(abs(a - b) for a, b in zip(converted, MID_GREEN, strict=True)) >= 40
    assert_near(in_srgb((128, 128, 128)), (128, 128, 128), 2)


@pytest.mark.parametrize(("fmt", "name", "levels"), [("JPEG", "ward.jpg", JPEG_LEVELS), ("PNG", "poster.png", 0)])
def test_an_adobe_rgb_upload_is_stored_untagged_with_its_colours_converted_to_srgb(world, fmt, name, levels):
    asset = add_to_library(world.ministry, media_files.upload(name, tagged(fmt)), "Ward", {}, world.editor)

    stored = decoded(asset.file)
    assert stored.format == fmt and stored.mode == "RGB" and "icc_profile" not in stored.info
    assert_near(centre(stored), in_srgb(MID_GREEN), levels)


def test_transparency_is_kept_while_the_colours_are_converted(world):
    content = tagged("PNG", colour=(*MID_GREEN, 128))

    asset = add_to_library(world.ministry, media_files.upload("logo.png", content), "Logo", {}, world.editor)

    stored = decoded(asset.file)
    assert stored.mode == "RGBA" and "icc_profile" not in stored.info
    assert_near(centre(stored), (*in_srgb(MID_GREEN), 128), 0)


def test_every_rendition_of_an_adobe_rgb_upload_is_in_srgb(world):
    content = tagged("JPEG", size=(1600, 1200))
    asset = add_to_library(world.ministry, media_files.upload("ward.jpg", content), "Ward", {}, world.editor)

    make_renditions(asset, Platform.values)

    assert_every_rendition_in_srgb(asset)


def test_renditions_of_an_original_stored_with_its_profile_convert_it_themselves(world):
    """Assets stored before the upload's privacy pass still carry their profile: rendering converts it too."""
    content = tagged("JPEG", size=(1600, 1200))
    asset = builders.make_media(
        world.ministry, "Old ward photo", file=ContentFile(content, name="old.jpg"), mime_type="image/jpeg",
        checksum=hashlib.sha256(content).hexdigest(), width=1600, height=1200, size_bytes=len(content),
    )  # fmt: skip
    assert "icc_profile" in decoded(asset.file).info

    make_renditions(asset, Platform.values)

    assert_every_rendition_in_srgb(asset)


def assert_every_rendition_in_srgb(asset: MediaAsset) -> None:
    renditions = list(Rendition.objects.filter(asset=asset))
    assert len(renditions) > 10
    for rendition in renditions:
        image = decoded(rendition.file)
        # The code's choice: converted pixels, no profile at all (untagged is read as sRGB).
        assert "icc_profile" not in image.info, rendition
        assert_near(centre(image.convert("RGB")), in_srgb(MID_GREEN), JPEG_LEVELS)


def test_a_cmyk_jpeg_without_a_profile_is_stored_as_pillows_rgb_of_it(world):
    cyan = Image.new("CMYK", (64, 48), (255, 0, 0, 0))
    buffer = io.BytesIO()
    cyan.save(buffer, "JPEG", quality=95)
    upload = media_files.upload("print.jpg", buffer.getvalue())

    asset = add_to_library(world.ministry, upload, "Print", {}, world.editor)

    stored = decoded(asset.file)
    assert stored.mode == "RGB" and "icc_profile" not in stored.info
    assert_near(centre(stored), (0, 255, 255), JPEG_LEVELS)
