"""What the library stores of an image: its pixels, upright, in sRGB, and nothing that says where or when."""

from __future__ import annotations

import io

from PIL import Image

from campaigns.media import add_to_library
from campaigns.models import MediaAsset
from tests import media_files


def stored(world, content: bytes, name: str = "photo.jpg") -> tuple[MediaAsset, bytes]:
    asset = add_to_library(world.ministry, media_files.upload(name, content), "Photo", {}, world.editor)
    with asset.file.open("rb") as file:
        return asset, file.read()


def test_gps_exif_xmp_and_comments_are_gone_from_the_stored_original(world):
    asset, content = stored(world, media_files.jpeg_with_gps())

    image = Image.open(io.BytesIO(content))
    assert not image.getexif()
    assert not {"exif", "xmp", "comment", "icc_profile", "photoshop"} & set(image.info)
    for secret in (b"WardCam", b"Ward 7", b"GPSLatitude", b"2026:01:15", b"Exif"):
        assert secret not in content
    assert asset.size_bytes == len(content)


def test_exif_orientation_is_applied_before_it_is_dropped(world):
    asset, content = stored(world, media_files.jpeg_with_gps(size=(64, 48), orientation=6))

    image = Image.open(io.BytesIO(content)).convert("RGB")
    assert (asset.width, asset.height) == image.size == (48, 64)
    # Orientation 6 is "turn a quarter clockwise to view": the red top left corner is now top right.
    red, blue = image.getpixel((40, 5)), image.getpixel((5, 5))
    assert red[0] > 150 > red[2] and blue[2] > 100 > blue[0]


def test_a_cmyk_jpeg_is_stored_as_rgb(world):
    asset, content = stored(world, media_files.cmyk_jpeg())

    assert Image.open(io.BytesIO(content)).mode == "RGB"
    assert asset.mime_type == "image/jpeg"


def test_a_colour_profile_is_converted_to_srgb_and_dropped(world):
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    _, content = stored(world, media_files.image_bytes("PNG", icc_profile=srgb), "card.png")

    image = Image.open(io.BytesIO(content))
    assert "icc_profile" not in image.info and image.mode == "RGB"


def test_an_animated_gif_keeps_its_frames_and_durations_but_not_its_comment(world):
    asset, content = stored(world, media_files.animated_gif(frames=3, duration_ms=120), "wave.gif")

    image = Image.open(io.BytesIO(content))
    durations = []
    for index in range(image.n_frames):
        image.seek(index)
        durations.append(image.info["duration"])
    assert (asset.kind, image.n_frames, durations) == ("gif", 3, [120, 120, 120])
    assert b"Ward 7" not in content


def test_bmp_and_tiff_are_stored_as_png(world):
    asset, content = stored(world, media_files.image_bytes("TIFF"), "scan.tif")

    assert (asset.mime_type, Image.open(io.BytesIO(content)).format) == ("image/png", "PNG")
    assert asset.file.name.endswith(".png")


def test_the_same_camera_file_uploaded_twice_is_stored_once(world):
    photo = media_files.jpeg_with_gps()
    first = add_to_library(world.ministry, media_files.upload("a.jpg", photo), "A", {}, world.editor)
    second = add_to_library(world.ministry, media_files.upload("b.jpg", photo), "B", {}, world.editor)

    assert first == second
    assert MediaAsset.objects.count() == 1


def test_a_jpeg_is_stored_with_the_cameras_own_quantisation_tables_not_a_bigger_file(world):
    original = media_files.image_bytes("JPEG", size=(320, 240), quality=60)

    _, content = stored(world, original)

    assert Image.open(io.BytesIO(content)).quantization == Image.open(io.BytesIO(original)).quantization
    assert len(content) <= len(original) * 1.05
