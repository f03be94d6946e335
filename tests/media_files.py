"""Real media files made for tests: Pillow draws the images, PyAV encodes the videos.

Shared with the renditions tests: every function returns the file's bytes (or an upload of them).
"""

from __future__ import annotations

import io
import struct
import zlib
from fractions import Fraction

import av
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

# The place a photo taken in a ward must not reveal: degrees, minutes, seconds.
WARD_LATITUDE = (48.0, 51.0, 29.64)
WARD_LONGITUDE = (2.0, 21.0, 7.56)
XMP_PACKET = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.494N"/></rdf:RDF></x:xmpmeta>'
    b'<?xpacket end="w"?>'
)


def drawing(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    """A picture whose top left quarter is red and the rest blue: which way up it is can be seen."""
    image = Image.new("RGB", size, "#1f4e9c")
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2 - 1, size[1] // 2 - 1), fill="#c0392b")
    return image.convert(mode)


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB", **options: object) -> bytes:
    buffer = io.BytesIO()
    drawing(size, mode).save(buffer, fmt, **options)
    return buffer.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (64, 48), orientation: int = 1) -> bytes:
    """A JPEG with GPS coordinates, a camera, a time and an orientation in EXIF, an XMP packet and a comment."""
    exif = Image.Exif()
    exif[0x010F] = "WardCam"  # Make
    exif[0x0132] = "2026:01:15 09:30:00"  # DateTime
    exif[0x0112] = orientation
    exif.get_ifd(0x8825).update({1: "N", 2: WARD_LATITUDE, 3: "E", 4: WARD_LONGITUDE})
    return image_bytes("JPEG", size, exif=exif, xmp=XMP_PACKET, comment=b"Ward 7, bed 3", quality=90)


def cmyk_jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    return image_bytes("JPEG", size, mode="CMYK")


def animated_gif(frames: int = 3, size: tuple[int, int] = (40, 30), duration_ms: int = 120) -> bytes:
    colours = ["#c0392b", "#27ae60", "#2980b9", "#f1c40f"]
    images = [Image.new("RGB", size, colours[n % len(colours)]) for n in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=duration_ms, loop=0,
                   comment=b"Ward 7")  # fmt: skip
    return buffer.getvalue()


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG whose header claims `width` by `height` pixels in a few hundred bytes (one compressed row)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def truncated_jpeg(size: tuple[int, int] = (320, 240)) -> bytes:
    whole = image_bytes("JPEG", size, quality=90)
    return whole[: len(whole) // 2]


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'
HTML = b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>"


def video_codec() -> str:
    """The H.264 encoder when PyAV's FFmpeg has one (the platforms' codec), else MPEG-4 part 2."""
    return "libx264" if "libx264" in av.codecs_available else "mpeg4"


def video_bytes(
    seconds: float = 1.0, fps: int = 10, size: tuple[int, int] = (64, 48), location: str = "",
    container_format: str = "mp4", codec: str = "",
) -> bytes:  # fmt: skip
    """A short video whose frames change colour; `location` is written as its own ISO 6709 metadata
    (FFmpeg writes it as text in a MOV's `udta`/`©xyz`, as a binary `loci` box in an MP4)."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container_format) as container:
        if location:
            container.metadata["location"] = location
        stream = container.add_stream(codec or video_codec(), rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        for index in range(int(seconds * fps)):
            picture = Image.new("RGB", size, (index * 20 % 256, 80, 160))
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


# What a phone writes into a video of its own: where (ISO 6709), when, and with what it was filmed.
PHONE_LOCATION = "+48.8577+002.2950+035.000/"
PHONE_MAKE, PHONE_MODEL = "WardPhone", "WardPhone 12 Pro"
PHONE_CREATED = "2026-01-15T09:30:00.000000Z"
QUICKTIME_KEYS = {
    "com.apple.quicktime.location.ISO6709": PHONE_LOCATION,
    "com.apple.quicktime.make": PHONE_MAKE,
    "com.apple.quicktime.model": PHONE_MODEL,
    "com.apple.quicktime.creationdate": PHONE_CREATED,
}


def phone_video_bytes(
    container_format: str = "mp4", rotation: int = 0, quicktime_keys: bool = False, seconds: float = 1.0,
    fps: int = 10, size: tuple[int, int] = (64, 48), codec: str = "", audio_codec: str = "aac",
) -> bytes:  # fmt: skip
    """A video with sound as a phone films it: its location, creation time, make and model in the
    container, a name, a language and a date on each stream, and `rotation` (counter-clockwise degrees) in its
    display matrix (a phone held upright stores landscape pictures turned -90°). `quicktime_keys` writes the
    container's metadata as iPhones do, in QuickTime `mdta` keys; else FFmpeg writes `udta` (a MOV's `©xyz`,
    an MP4's `loci`). A MOV also gets a timecode track."""
    buffer = io.BytesIO()
    options = {"movflags": "+use_metadata_tags"} if quicktime_keys else {}
    with av.open(buffer, "w", format=container_format, options=options) as container:
        tags = QUICKTIME_KEYS if quicktime_keys else {"location": PHONE_LOCATION, "make": PHONE_MAKE}
        container.metadata.update(tags | {"model": PHONE_MODEL, "creation_time": PHONE_CREATED})
        if container_format == "mov":
            container.metadata["timecode"] = "09:30:00:00"
        video = container.add_stream(codec or video_codec(), rate=Fraction(fps))
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        video.metadata.update({"handler_name": f"{PHONE_MAKE} video", "title": "Ward 7, bed 3", "language": "fra",
                               "creation_time": PHONE_CREATED})  # fmt: skip
        if rotation:
            video.set_display_rotation(rotation)
        sound = container.add_stream(audio_codec, rate=48000)
        sound.metadata.update({"handler_name": f"{PHONE_MAKE} sound", "language": "fra"})
        for index in range(int(seconds * fps)):
            picture = drawing(size).point(lambda value, index=index: (value + index * 20) % 256)
            for packet in video.encode(av.VideoFrame.from_image(picture)):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        _silence(container, sound, seconds)
    return buffer.getvalue()


def _silence(container: av.container.OutputContainer, sound: av.AudioStream, seconds: float) -> None:
    rate, samples = sound.codec_context.sample_rate, sound.codec_context.frame_size or 1024
    for start in range(0, int(seconds * rate), samples):
        frame = av.AudioFrame(format=sound.codec_context.format.name, layout="mono", samples=samples)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate, frame.pts = rate, start
        for packet in sound.encode(frame):
            container.mux(packet)
    for packet in sound.encode():
        container.mux(packet)


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    """An upload as a browser sends it: the name and the header are whatever the browser says."""
    return SimpleUploadedFile(name, content, content_type=content_type)
