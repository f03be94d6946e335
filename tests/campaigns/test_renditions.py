"""Renditions: each platform's shapes made from one original around its focal point, clean, within its limits."""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from campaigns import rendering, tasks
from campaigns.models import MediaAsset, Rendition
from campaigns.rendering import focal_crop
from campaigns.renditions import LIBRARY, make_renditions, request_renditions
from publishing import media_urls
from publishing.adapters import REGISTRY
from publishing.platforms import Platform
from tests import builders

EVERY_PLATFORM = Platform.values
GPS_PLACE = "Ward 7, St Mary"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>patient-room-12</rdf:RDF></x:xmpmeta>'


def photo(width: int, height: int, *, dot: tuple[float, float] | None = None) -> Image.Image:
    image = Image.new("RGB", (width, height), (40, 90, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 4, height // 4, width // 2, height // 2), fill=(230, 200, 40))
    if dot is not None:
        x, y, r = dot[0] * width, dot[1] * height, max(width, height) // 60
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 0, 0))
    return image


def jpeg_with_gps(image: Image.Image) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x010E] = GPS_PLACE  # ImageDescription
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif, xmp=XMP)
    return out.getvalue()


def stored(world, content: bytes, name: str, mime_type: str, **fields) -> MediaAsset:
    with Image.open(io.BytesIO(content)) as image:
        width, height = image.size
    return builders.make_media(
        world.ministry, name, file=ContentFile(content, name=name), checksum=hashlib.sha256(content).hexdigest(),
        mime_type=mime_type, width=width, height=height, size_bytes=len(content), **fields,
    )  # fmt: skip


def opened(rendition: Rendition) -> Image.Image:
    with rendition.file.open("rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
        return image


def shape_of(rendition: Rendition):
    shapes = REGISTRY[rendition.purpose].image_shapes if rendition.purpose != LIBRARY else None
    if shapes is None:
        from campaigns.renditions import LIBRARY_SHAPES as shapes
    return next(s for s in shapes if s.name == rendition.shape)


def test_no_rendition_keeps_the_exif_gps_or_xmp_of_the_photo(world):
    asset = stored(world, jpeg_with_gps(photo(1600, 1200)), "ward.jpg", "image/jpeg")

    made = make_renditions(asset, EVERY_PLATFORM)

    assert made == asset.renditions.count() > 10
    for rendition in asset.renditions.all():
        content = rendition.file.open("rb").read()
        image = opened(rendition)
        assert not image.getexif() and "xmp" not in image.info, rendition
        assert b"Exif" not in content and b"xmpmeta" not in content and GPS_PLACE.encode() not in content


def test_each_platform_gets_its_shapes_in_a_format_it_takes_within_its_byte_limit(world):
    asset = stored(world, jpeg_with_gps(photo(3000, 2000)), "clinic.jpg", "image/jpeg")

    make_renditions(asset, EVERY_PLATFORM)

    made = {(r.purpose, r.shape): r for r in asset.renditions.all()}
    for platform in EVERY_PLATFORM:
        for shape in (s for s in REGISTRY[platform].image_shapes if not s.animated):
            rendition = made[(platform, shape.name)]
            image = opened(rendition)
            assert image.format in shape.formats and rendition.size_bytes <= shape.max_bytes
            assert image.size == (rendition.width, rendition.height)
            if shape.crop:
                assert image.size == (shape.width, shape.height)
            else:
                assert image.width <= shape.width and image.height <= shape.height
                assert abs(image.width / image.height - 1.5) < 0.01
    assert made[(LIBRARY, "thumbnail")].width == 320 and made[(LIBRARY, "square")].height == 96


def test_a_noisy_camera_photo_is_brought_under_blueskys_million_bytes(world):
    rng = random.Random(6)
    noise = Image.frombytes("RGB", (6000, 4000), rng.randbytes(6000 * 4000 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    asset = stored(world, out.getvalue(), "noise.jpg", "image/jpeg")

    make_renditions(asset, ["bluesky"])

    rendition = asset.renditions.get(purpose="bluesky")
    assert rendition.size_bytes <= 1_000_000 < asset.size_bytes
    assert rendition.mime_type == "image/jpeg" and rendition.width <= 2000


def test_a_focal_point_near_a_corner_is_inside_every_crop(world):
    focal = (0.93, 0.08)
    asset = stored(world, jpeg_with_gps(photo(3000, 2000, dot=focal)), "corner.jpg", "image/jpeg")
    asset.focal_x, asset.focal_y = focal
    asset.save(update_fields=["focal_x", "focal_y"])

    make_renditions(asset, EVERY_PLATFORM)

    for rendition in asset.renditions.all():
        image = opened(rendition).convert("RGB")
        reds = [c for _, c in image.getcolors(image.width * image.height) if c[0] > 200 and c[1] < 60 and c[2] < 60]
        assert reds, f"{rendition} lost the focal point"


def test_the_crop_is_the_largest_of_its_ratio_with_the_focal_point_as_centred_as_the_image_allows():
    assert focal_crop(3000, 2000, 1.0, (0.5, 0.5)) == (500, 0, 2500, 2000)
    assert focal_crop(3000, 2000, 1.0, (0.95, 0.1)) == (1000, 0, 3000, 2000)
    assert focal_crop(3000, 2000, 0.8, (0.3, 0.5)) == (100, 0, 1700, 2000)
    assert focal_crop(2000, 3000, 16 / 9, (0.5, 0.9)) == (0, 1875, 2000, 3000)


def test_a_png_with_transparency_is_flattened_on_white_where_only_jpeg_is_taken(world):
    card = Image.new("RGBA", (1200, 1200), (0, 0, 0, 0))
    ImageDraw.Draw(card).ellipse((300, 300, 900, 900), fill=(0, 128, 0, 255))
    out = io.BytesIO()
    card.save(out, "PNG")
    asset = stored(world, out.getvalue(), "card.png", "image/png")

    make_renditions(asset, ["instagram", "x"])

    square = asset.renditions.get(purpose="instagram", shape="square")
    image = opened(square)
    assert (image.format, image.mode) == ("JPEG", "RGB")
    assert min(image.getpixel((5, 5))) > 245  # white, not black
    assert opened(asset.renditions.get(purpose="x", shape="square")).mode == "RGBA"  # X takes the PNG as it is


def test_an_animated_gif_is_kept_where_taken_and_its_first_frame_made_into_stills_elsewhere(world):
    frames = [Image.new("RGB", (400, 300), colour) for colour in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    asset = stored(world, out.getvalue(), "wave.gif", "image/gif", kind=MediaAsset.Kind.ANIMATED_GIF)

    make_renditions(asset, ["x", "instagram"])

    shapes = set(asset.renditions.values_list("purpose", "shape"))
    assert shapes == {("library", "thumbnail"), ("library", "square"), ("x", "gif")} | {
        ("instagram", s.name) for s in REGISTRY["instagram"].image_shapes
    }
    assert asset.renditions.get(purpose="x").file.open("rb").read() == out.getvalue()
    thumbnail = opened(asset.renditions.get(purpose="library", shape="thumbnail")).convert("RGB")
    assert thumbnail.getpixel((10, 10))[0] > 200 and thumbnail.format != "GIF"  # the first frame, red
    assert opened(asset.renditions.get(purpose="instagram", shape="landscape")).format == "JPEG"


def test_making_renditions_twice_changes_nothing(world):
    asset = stored(world, jpeg_with_gps(photo(1600, 1200)), "twice.jpg", "image/jpeg")
    make_renditions(asset, EVERY_PLATFORM)
    before = list(asset.renditions.values_list("pk", "file", "size_bytes"))

    assert make_renditions(asset, EVERY_PLATFORM) == 0
    assert list(asset.renditions.values_list("pk", "file", "size_bytes")) == before


def test_moving_the_focal_point_makes_the_stale_renditions_again_on_the_task(world):
    builders.make_account(world.ministry, platform="instagram", handle="@health_ig")
    asset = stored(world, jpeg_with_gps(photo(3000, 2000, dot=(0.1, 0.5))), "moved.jpg", "image/jpeg")
    assert tasks.make_renditions(asset.pk) == 2 + 1 + 3  # library thumbnails, the ministry's Mastodon and Instagram
    asset.focal_x = 0.1
    asset.save(update_fields=["focal_x"])
    assert all(r.is_stale for r in Rendition.objects.filter(asset=asset))

    assert tasks.make_renditions(asset.pk) == 6

    renditions = Rendition.objects.filter(asset=asset)
    assert {r.purpose for r in renditions} == {"library", "mastodon", "instagram"} and renditions.count() == 6
    assert not any(r.is_stale for r in renditions)
    square = opened(renditions.get(purpose="instagram", shape="square")).convert("RGB")
    assert square.getpixel((square.width // 2, square.height // 2))[0] < 200  # cropped from the left edge: not centred
    assert tasks.make_renditions(asset.pk) == 0


def test_the_task_of_an_asset_deleted_since_does_nothing(world):
    assert tasks.make_renditions(987654) == 0


def test_renditions_are_requested_once_the_upload_commits(world, django_capture_on_commit_callbacks):
    asset = stored(world, jpeg_with_gps(photo(320, 200)), "later.jpg", "image/jpeg")
    video = builders.make_media(world.ministry, "clip", kind=MediaAsset.Kind.VIDEO, checksum="clip")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_renditions(asset)
        request_renditions(video)
    assert len(callbacks) == 1  # videos are not converted


@pytest.mark.parametrize(
    ("size", "shape"), [((3000, 3750), "portrait"), ((3000, 1600), "landscape"), ((2000, 2100), "square")]
)
def test_instagram_is_sent_the_shape_nearest_the_originals_ratio(world, size, shape):
    asset = stored(world, jpeg_with_gps(photo(*size)), f"{shape}.jpg", "image/jpeg")
    make_renditions(asset, ["instagram"])

    chosen = media_urls.rendition_file(asset, "instagram")

    assert chosen.file.name == asset.renditions.get(purpose="instagram", shape=shape).file.name
    assert chosen.mime_type == "image/jpeg"
    assert media_urls.rendition_file(asset, "linkedin").file.name == asset.file.name  # none made: the original


def test_an_upload_to_the_library_asks_for_its_renditions_after_it_commits(world, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaigns.media import add_to_library

    upload = SimpleUploadedFile("ward.jpg", jpeg_with_gps(photo(640, 480)), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        asset = add_to_library(world.ministry, upload, "Ward", {"en": "A ward"}, world.editor)
    assert len(callbacks) == 1
    assert tasks.make_renditions(asset.pk) == 2 + 1  # the library's and the ministry's Mastodon account's


def test_connecting_an_account_on_a_new_platform_asks_for_the_librarys_renditions(
    world, django_capture_on_commit_callbacks
):
    from publishing.connecting import save_connection

    stored(world, jpeg_with_gps(photo(640, 480)), "one.jpg", "image/jpeg")
    stored(world, jpeg_with_gps(photo(480, 640)), "two.jpg", "image/jpeg")
    credentials = {"access_token": "t"}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save_connection(
            world.manager, world.ministry, "bluesky", "@health.example.org", "http://127.0.0.1:9/", credentials, None
        )
    with django_capture_on_commit_callbacks(execute=False) as again:
        save_connection(
            world.manager, world.ministry, "mastodon", "@health", world.account.api_base_url, credentials, None
        )
    assert (len(callbacks), len(again)) == (1, 0)  # one batch; reconnecting a platform already connected asks nothing


def test_a_photo_taken_sideways_is_turned_upright_before_it_is_cropped(world):
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown turned a quarter clockwise: portrait
    out = io.BytesIO()
    photo(800, 600).save(out, "JPEG", exif=exif)
    asset = stored(world, out.getvalue(), "sideways.jpg", "image/jpeg")

    make_renditions(asset, ["bluesky"])

    assert asset.renditions.values_list("width", "height").get(purpose="bluesky") == (600, 800)
    assert asset.renditions.values_list("width", "height").get(shape="thumbnail") == (320, 427)


def rendition_files() -> set[str]:
    root = Path(default_storage.path("renditions"))
    return {str(path) for path in root.rglob("*") if path.is_file()}


def test_a_task_that_rendered_around_a_focal_point_moved_since_stores_nothing(world, monkeypatch):
    asset = stored(world, jpeg_with_gps(photo(1200, 800)), "raced.jpg", "image/jpeg")
    original_render = rendering.render

    # The real renderer runs; an editor moves the point in the middle of it, as on a busy morning.
    def render_while_an_editor_moves_the_point(*args, **kwargs):
        made = original_render(*args, **kwargs)
        MediaAsset.objects.filter(pk=asset.pk).update(focal_x=0.2)
        return made

    monkeypatch.setattr(rendering, "render", render_while_an_editor_moves_the_point)
    files_before = rendition_files()

    assert make_renditions(asset, ["mastodon"]) == 0
    assert not asset.renditions.exists()
    assert rendition_files() == files_before


def test_a_second_task_on_the_same_asset_replaces_the_first_ones_renditions_and_their_files(
    world, django_capture_on_commit_callbacks
):
    asset = stored(world, jpeg_with_gps(photo(1200, 800)), "twice.jpg", "image/jpeg")
    make_renditions(asset, ["mastodon"])
    first = {(r.purpose, r.shape): r.file.name for r in asset.renditions.all()}
    # A second task that read the asset before the first one stored anything makes them all again.
    Rendition.objects.filter(asset=asset).update(focal_x=0.9)

    with django_capture_on_commit_callbacks(execute=True):
        assert make_renditions(asset, ["mastodon"]) == len(first)

    again = {(r.purpose, r.shape): r.file.name for r in asset.renditions.all()}
    assert again.keys() == first.keys() and asset.renditions.count() == len(first)
    assert not any(default_storage.exists(name) for name in first.values() if name not in again.values())
    assert all(default_storage.exists(name) for name in again.values())


def test_connecting_a_platform_asks_for_the_librarys_renditions_in_batches(world, django_capture_on_commit_callbacks):
    from campaigns.renditions import LIBRARY_BATCH, request_library_renditions

    assets = [builders.make_media(world.ministry, f"card {n}", checksum=f"card-{n}") for n in range(LIBRARY_BATCH + 3)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_library_renditions(world.ministry)

    assert len(callbacks) == 2
    assert len(assets) == LIBRARY_BATCH + 3
