"""Videos are stored remuxed without the metadata a phone writes: same packets, same picture, no location."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import av
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from campaigns.media import add_to_library
from campaigns.models import MediaAsset
from campaigns.video_probe import probe_video
from tests import media_files
from tests.media_files import PHONE_CREATED, PHONE_LOCATION, PHONE_MAKE, PHONE_MODEL

# What the muxer itself writes, which says nothing of the phone or of the place.
BRAND_TAGS = {"major_brand", "minor_version", "compatible_brands"}
# Each way the phone's metadata can sit in the bytes: as text, as an MP4 `loci` box, a MOV `©xyz`
# atom, QuickTime keys, the make in the handler names, the creation date as text.
PHONE_TRACES = (PHONE_LOCATION[:8].encode(), b"loci", b"\xa9xyz", b"mdta", PHONE_MAKE.encode(), b"2026-01-15")
PHONE_VALUES = (PHONE_LOCATION[:8], PHONE_MAKE, PHONE_MODEL, PHONE_CREATED[:10], "Ward 7", "fra")


def stored_bytes(asset: MediaAsset) -> bytes:
    with asset.file.open("rb") as stored:
        return stored.read()


def packets(path_or_file: Any) -> list[tuple[str, int | None, int | None, bytes]]:
    """The video and audio packets of a file, in order per stream: what a remux must carry unchanged."""
    with av.open(path_or_file) as container:
        streams = [*container.streams.video, *container.streams.audio]
        found = [(p.stream.type, p.pts, p.dts, bytes(p)) for p in container.demux(streams) if p.dts is not None]
    return sorted(found, key=lambda packet: packet[0])  # stable: each stream's own order is kept


def metadata_values(container: Any) -> list[str]:
    return [
        *container.metadata.values(),
        *(value for stream in container.streams for value in stream.metadata.values()),
    ]


@pytest.mark.parametrize(
    ("container_format", "quicktime_keys", "mime_type"),
    [("mp4", False, "video/mp4"), ("mov", False, "video/quicktime"), ("mov", True, "video/quicktime")],
    ids=["mp4-udta", "mov-udta", "mov-quicktime-keys"],
)
def test_a_phone_video_is_stored_without_its_location_time_or_camera(
    world, container_format, quicktime_keys, mime_type
):
    content = media_files.phone_video_bytes(container_format, quicktime_keys=quicktime_keys)
    with av.open(io.BytesIO(content)) as original:
        assert any(PHONE_LOCATION[:8] in value for value in metadata_values(original))  # the phone's, to begin with

    asset = add_to_library(
        world.ministry, media_files.upload(f"ward.{container_format}", content), "W", {}, world.editor
    )

    stored = stored_bytes(asset)
    assert asset.mime_type == mime_type and asset.file.name.endswith(f".{container_format}")
    assert [trace for trace in PHONE_TRACES if trace in stored] == []
    movie_header = stored.index(b"mvhd") + 4
    assert stored[movie_header + 4 : movie_header + 12] == bytes(8)  # no creation or modification time
    with asset.file.open("rb") as file, av.open(file) as cleaned:
        assert set(cleaned.metadata) <= BRAND_TAGS
        assert [value for value in metadata_values(cleaned) if any(v in value for v in PHONE_VALUES)] == []
        assert [stream.type for stream in cleaned.streams] == ["video", "audio"]  # the timecode track is gone


@pytest.mark.parametrize("container_format", ["mp4", "mov"])
def test_the_packets_are_copied_not_transcoded_and_the_video_still_plays(world, container_format):
    content = media_files.phone_video_bytes(container_format, seconds=2)
    asset = add_to_library(
        world.ministry, media_files.upload(f"ward.{container_format}", content), "W", {}, world.editor
    )

    with asset.file.open("rb") as file:
        assert packets(file) == packets(io.BytesIO(content))
    with asset.file.open("rb") as file, av.open(file) as cleaned:
        video, audio = cleaned.streams.video[0], cleaned.streams.audio[0]
        assert (video.codec_context.name, video.frames, audio.codec_context.name) == (asset.codec, 20, "aac")
        assert int(video.duration * video.time_base * 1000) == asset.duration_ms == 2000
        frame = next(cleaned.decode(video))
        assert (frame.width, frame.height) == (64, 48)


def test_an_mp4_has_its_index_first_so_it_streams(world):
    upload = media_files.upload("ward.mp4", media_files.phone_video_bytes())

    asset = add_to_library(world.ministry, upload, "W", {}, world.editor)

    stored = stored_bytes(asset)
    assert stored[4:8] == b"ftyp"
    assert stored.index(b"moov") < stored.index(b"mdat")


def test_the_size_is_the_stored_files_and_the_checksum_the_uploads_so_a_second_upload_is_found(world):
    content = media_files.phone_video_bytes("mov")

    asset = add_to_library(world.ministry, media_files.upload("ward.mov", content), "W", {}, world.editor)
    again = add_to_library(world.ministry, media_files.upload("copy.mov", content), "Again", {}, world.editor)

    assert asset.size_bytes == len(stored_bytes(asset)) != len(content)
    assert asset.checksum == hashlib.sha256(content).hexdigest()
    assert again == asset and MediaAsset.objects.count() == 1


@pytest.mark.parametrize("container_format", ["mp4", "mov"])
def test_a_video_filmed_upright_is_still_shown_upright(world, container_format):
    # A phone held upright stores its landscape pictures with a display matrix turning them -90°.
    content = media_files.phone_video_bytes(container_format, rotation=-90, size=(64, 48))
    upload = media_files.upload(f"upright.{container_format}", content)

    asset = add_to_library(world.ministry, upload, "Up", {}, world.editor)

    assert (asset.width, asset.height) == (48, 64)
    with asset.file.open("rb") as file, av.open(file) as cleaned:
        assert next(cleaned.decode(video=0)).rotation == -90
    with asset.file.open("rb") as file:
        facts = probe_video(file)
    assert (facts.width, facts.height) == (48, 64)


def test_a_webm_is_stored_as_a_webm_without_its_metadata(world):
    content = media_files.phone_video_bytes("webm", codec="libvpx", audio_codec="libopus")

    asset = add_to_library(world.ministry, media_files.upload("ward.webm", content), "W", {}, world.editor)

    stored = stored_bytes(asset)
    assert (asset.mime_type, asset.file.name.rsplit(".", 1)[1]) == ("video/webm", "webm")
    assert stored.startswith(b"\x1a\x45\xdf\xa3")  # EBML: Matroska's family
    assert [trace for trace in PHONE_TRACES if trace in stored] == []
    with asset.file.open("rb") as file, av.open(file) as cleaned:
        assert [value for value in metadata_values(cleaned) if any(v in value for v in PHONE_VALUES)] == []
    with asset.file.open("rb") as file:
        assert packets(file) == packets(io.BytesIO(content))


def test_a_large_upload_written_to_a_temporary_file_is_cleaned_too(world, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # Django writes every upload to disk, as it does large videos
    client = Client()
    client.force_login(world.editor)
    content = media_files.phone_video_bytes("mov", quicktime_keys=True)
    upload = media_files.upload("ward.mov", content, "video/quicktime")

    response = client.post(reverse("library_upload"), {"organisation": world.ministry.pk, "file": upload})

    assert response.status_code == 302
    asset = MediaAsset.objects.get()
    assert [trace for trace in PHONE_TRACES if trace in stored_bytes(asset)] == []
    assert asset.checksum == hashlib.sha256(content).hexdigest()


def test_a_matroska_video_whose_sound_webm_cannot_hold_is_refused_and_nothing_is_stored(world):
    content = media_files.phone_video_bytes("matroska", codec="libvpx", audio_codec="aac")

    with pytest.raises(ValidationError) as refused:
        add_to_library(world.ministry, media_files.upload("ward.mkv", content), "W", {}, world.editor)

    assert refused.value.message_dict["file"] == [
        "This video's aac audio cannot be kept in a webm file: export it again."
    ]
    assert not MediaAsset.objects.exists()
