"""Videos: what the platforms need to know of one (length, size, codec, frame rate) and a poster frame.

Read with PyAV (FFmpeg's own libraries), from the upload as it came; what is stored is the remux
of `video_privacy`, whose packets, and so these facts, are the same.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any

import av
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from campaigns import media_privacy

# Containers the platforms take (platform-rules.md): MP4 and MOV everywhere, WebM as some servers do.
VIDEO_CONTAINERS = {"mp4", "mov", "webm", "matroska"}
WEBM_CODECS = ("vp8", "vp9", "av1")
POSTER_AT = 0.1  # of the duration: past a fade from black, still the opening shot
POSTER_MAX_FRAMES = 600  # decoded after the seek before the first frame is taken instead
POSTER_JPEG_QUALITY = 90


@dataclass(frozen=True)
class VideoFacts:
    mime_type: str
    width: int
    height: int
    duration_ms: int
    codec: str
    frame_rate: float | None
    poster_jpeg: bytes


def probe_video(source: str | IO[bytes]) -> VideoFacts:
    """Facts and a poster frame of a video file (a path or a file object); ValidationError if unreadable."""
    try:
        with av.open(source, metadata_errors="ignore") as container:
            return _probe(container)
    except av.FFmpegError as error:
        raise ValidationError({"file": _("This video cannot be read (%(error)s).") % {"error": error}}) from error


def has_video_signature(head: bytes) -> bool:
    """Whether a file starts as an MP4/MOV (an ISO `ftyp` box) or a WebM (EBML) does, readable or not."""
    return head[4:8] == b"ftyp" or head.startswith(b"\x1a\x45\xdf\xa3")


def is_video(source: str | IO[bytes]) -> bool:
    """Whether `source` is a container the library takes videos in, with a video stream (nothing decoded)."""
    try:
        with av.open(source, metadata_errors="ignore") as container:
            names = set(container.format.name.split(","))
            return bool(container.streams.video) and bool(names & VIDEO_CONTAINERS)
    except (av.FFmpegError, ValueError):
        return False
    finally:
        if not isinstance(source, str):
            source.seek(0)


def _probe(container: Any) -> VideoFacts:
    if not container.streams.video:
        raise ValidationError({"file": _("This file has no video in it: the library takes videos with a picture.")})
    stream = container.streams.video[0]
    codec = stream.codec_context.name
    mime_type = _mime_type(container, codec)
    duration_ms = _duration_ms(container, stream)
    if duration_ms <= 0:
        raise ValidationError({"file": _("This video has no length FFmpeg can read: it may be cut short.")})
    poster = _poster_frame(container, stream, duration_ms)
    width, height = stream.codec_context.width, stream.codec_context.height
    if poster.rotation in (90, -90, 270, -270):  # a phone held upright: displayed sideways of how it is coded
        width, height = height, width
    rate = stream.average_rate or stream.guessed_rate
    image = poster.to_image()
    if poster.rotation:
        image = image.rotate(poster.rotation, expand=True)
    jpeg = media_privacy.encode(image, "JPEG", quality=POSTER_JPEG_QUALITY)
    return VideoFacts(mime_type, width, height, duration_ms, codec, round(float(rate), 3) if rate else None, jpeg)


def _mime_type(container: Any, codec: str) -> str:
    names = container.format.name.split(",")
    if "mp4" in names or "mov" in names:
        return "video/quicktime" if container.metadata.get("major_brand", "").strip() == "qt" else "video/mp4"
    if "webm" in names and codec in WEBM_CODECS:
        return "video/webm"
    message = _("This video is in a container the platforms do not take (%(format)s): upload an MP4, MOV or WebM.")
    raise ValidationError({"file": message % {"format": container.format.long_name}})


def _duration_ms(container: Any, stream: Any) -> int:
    if stream.duration is not None and stream.time_base:
        return int(stream.duration * stream.time_base * 1000)
    return int((container.duration or 0) / 1000)  # in microseconds (AV_TIME_BASE)


def _poster_frame(container: Any, stream: Any, duration_ms: int) -> Any:
    """A frame near POSTER_AT of the duration, or the first one when seeking there gives nothing."""
    target_s = duration_ms / 1000 * POSTER_AT
    try:
        container.seek(int(target_s / stream.time_base), stream=stream)
        for count, frame in enumerate(container.decode(stream)):
            if frame.time is None or frame.time >= target_s or count >= POSTER_MAX_FRAMES:
                return frame
    except av.FFmpegError:
        pass
    container.seek(0)
    for frame in container.decode(stream):
        return frame
    raise ValidationError({"file": _("This video has no picture FFmpeg can decode: it may be cut short.")})


def poster_file_name(video_name: str) -> str:
    """The poster's file name for a video's."""
    stem = video_name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "video"
    return f"{stem}-poster.jpg"


def readable(upload: Any) -> str | IO[bytes]:
    """What PyAV opens for an upload: the temporary file Django wrote a large one to, or its bytes."""
    if hasattr(upload, "temporary_file_path"):
        return upload.temporary_file_path()
    upload.seek(0)
    return upload.file if hasattr(upload, "file") else io.BytesIO(upload.read())
