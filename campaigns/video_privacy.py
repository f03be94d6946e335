"""Videos stored without their own metadata: remuxed, never transcoded.

A phone video says where, when and with what it was filmed (MP4 `udta`/`©xyz` and `loci`,
QuickTime `mdta` keys such as `com.apple.quicktime.location.ISO6709`, creation times, make and
model, per-stream tags). The packets of its video and audio streams are copied into a new file of
the same container family with none of that. The display matrix (a phone held upright) is part of
the stream's codec parameters, not of its metadata, so FFmpeg copies it with the stream.
"""

from __future__ import annotations

import tempfile
from typing import IO, Any

import av
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The muxer for each type the library stores videos as (video_probe decides the type).
MUXERS = {"video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm"}
# faststart: the index (`moov`) before the media, so the platforms can stream the file as it downloads.
# bitexact: the muxer writes no `encoder` tag (FFmpeg's version) of its own either.
MUXER_OPTIONS = {
    "mp4": {"movflags": "+faststart", "fflags": "+bitexact"},
    "mov": {"movflags": "+faststart", "fflags": "+bitexact"},
    "webm": {"fflags": "+bitexact"},
}
COPIED_TYPES = ("video", "audio")  # data, subtitle and timecode streams can carry metadata too


def remux_without_metadata(source: str | IO[bytes], mime_type: str) -> IO[bytes]:
    """A temporary file (deleted when closed) of `source`'s video and audio, without any metadata."""
    muxer = MUXERS[mime_type]
    # Returned open, to be stored: closing it (or dropping it) deletes it, as Django's own upload files.
    cleaned = tempfile.NamedTemporaryFile(suffix=f".{muxer}", dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
    try:
        # The output is opened by path: faststart has FFmpeg read the file back to move the index.
        with (
            av.open(source, metadata_errors="ignore") as original,
            av.open(cleaned.name, "w", format=muxer, options=MUXER_OPTIONS[muxer]) as remuxed,
        ):
            _copy_streams(original, remuxed)
    except BaseException:
        cleaned.close()
        raise
    finally:
        if not isinstance(source, str):
            source.seek(0)
    cleaned.seek(0)
    return cleaned


def _copy_streams(original: Any, remuxed: Any) -> None:
    # add_stream_from_template copies codec parameters only: no stream metadata (language, handler, dates).
    copies = {}
    for stream in original.streams:
        if stream.type not in COPIED_TYPES or stream.disposition & av.stream.Disposition.attached_pic:
            continue  # a cover picture is a video stream of one image, which may have EXIF of its own
        try:
            copies[stream.index] = remuxed.add_stream_from_template(stream)
        except ValueError as error:  # e.g. AAC sound in a Matroska file, which WebM cannot hold
            message = _("This video's %(codec)s %(type)s cannot be kept in a %(format)s file: export it again.")
            raise ValidationError({"file": message % {"codec": stream.codec_context.name, "type": stream.type,
                                                      "format": remuxed.format.name}}) from error  # fmt: skip
    for packet in original.demux([original.streams[index] for index in copies]):
        if packet.dts is None:  # the demuxer's empty packet at the end of each stream
            continue
        packet.stream = copies[packet.stream.index]
        remuxed.mux(packet)
