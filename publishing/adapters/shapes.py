"""The image shapes a platform is sent: each adapter lists its own (`Adapter.image_shapes`), renditions are made to them.

A shape either crops to its exact size around the asset's focal point (`crop=True`), or fits the whole image
inside its box without cropping (`crop=False`: platforms that show any aspect ratio). `formats` are Pillow's
format names in the platform's order of preference; `max_bytes` is the file size the platform accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024
JPEG = ("JPEG",)
STILLS = ("JPEG", "PNG", "WEBP")


@dataclass(frozen=True)
class ImageShape:
    name: str  # "square", "portrait", "landscape", "original", "thumbnail"
    width: int
    height: int
    formats: tuple[str, ...]
    max_bytes: int
    crop: bool = True
    animated: bool = False  # takes an animated GIF as it is

    @property
    def aspect(self) -> float:
        return self.width / self.height
