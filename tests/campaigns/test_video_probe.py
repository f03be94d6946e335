"""Videos: their facts read with PyAV, a poster frame stored, unreadable ones refused."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from campaigns.media import add_to_library
from campaigns.media_intake import inspect_upload
from campaigns.models import MediaAsset
from tests import media_files


def test_an_mp4_is_a_video_with_its_length_size_codec_and_frame_rate(world):
    content = media_files.video_bytes(seconds=2, fps=10, size=(64, 48))
    asset = add_to_library(
        world.ministry, media_files.upload("clip.png", content, "image/png"), "Clip", {}, world.editor
    )

    assert (asset.kind, asset.mime_type, asset.width, asset.height) == ("video", "video/mp4", 64, 48)
    assert (asset.duration_ms, asset.frame_rate) == (2000, 10.0)
    assert asset.codec in ("h264", "mpeg4")
    assert asset.file.name.endswith(".mp4")
    assert asset.size_bytes == asset.file.size  # the stored remux's (test_video_privacy), not the upload's


def test_a_video_gets_a_jpeg_poster_frame_without_metadata(world):
    asset = add_to_library(
        world.ministry, media_files.upload("clip.mp4", media_files.video_bytes()), "C", {}, world.editor
    )

    with asset.poster.open("rb") as file:
        poster = Image.open(io.BytesIO(file.read()))
    assert (poster.format, poster.size) == ("JPEG", (64, 48))
    assert not poster.getexif()


def test_a_cut_short_video_is_refused_and_nothing_is_stored(world):
    content = media_files.video_bytes(seconds=2)

    with pytest.raises(ValidationError) as refused:
        add_to_library(
            world.ministry, media_files.upload("clip.mp4", content[: len(content) // 3]), "C", {}, world.editor
        )

    assert refused.value.message_dict["file"][0].startswith("This video cannot be read (")
    assert not MediaAsset.objects.exists()


def test_a_video_in_a_container_the_platforms_do_not_take_is_refused():
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="avi") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for packet in stream.encode(av.VideoFrame.from_image(Image.new("RGB", (32, 32)))):
            container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)

    with pytest.raises(ValidationError) as refused:
        inspect_upload(media_files.upload("clip.mp4", buffer.getvalue(), "video/mp4"))

    assert refused.value.message_dict["file"][0].startswith("This file is not an image or a video the library takes")


def test_a_webm_is_a_video():
    content = media_files.video_bytes(container_format="webm", codec="libvpx")

    facts = inspect_upload(media_files.upload("clip.png", content))

    assert (facts.kind, facts.mime_type, facts.codec) == ("video", "video/webm", "vp8")


def test_a_mov_with_its_location_is_taken_and_stored_as_a_mov_without_it(world):
    content = media_files.video_bytes(container_format="mov", location="+48.8577+002.2950/")
    assert b"+48.8577" in content

    asset = add_to_library(world.ministry, media_files.upload("ward.mov", content), "Ward", {}, world.editor)

    assert (asset.mime_type, asset.file.name.rsplit(".", 1)[1]) == ("video/quicktime", "mov")
    with asset.file.open("rb") as stored:
        assert b"+48.8577" not in stored.read()  # remuxed without it: test_video_privacy has the rest
