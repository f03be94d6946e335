"""Colours in sRGB: an image's pixels converted from its embedded colour profile, then left untagged.

Untagged images are read as sRGB by browsers and by every platform, and several platforms strip profiles on
upload: a photo left in Adobe RGB or Display P3 with its profile would look dull there. Both the upload's
privacy pass (campaigns/media_privacy.py) and the renditions (campaigns/rendering.py) convert through here.
"""

from __future__ import annotations

import io

from PIL import Image, ImageCms

SRGB = ImageCms.createProfile("sRGB")
# The profiles applied: an RGB or CMYK one on pixels of its own space. A grey profile is not (LittleCMS has
# no grey sRGB to convert to; greys are read as they are, which their usual gamma 2.2 barely differs from).
PROFILE_SPACES = {"RGB": "RGB ", "CMYK": "CMYK"}


def to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """A new image of `image`'s pixels in sRGB: RGB, or L for grey, with its alpha (RGBA, LA) if it had one.

    `icc` is the profile the pixels are in; without one, or with one that is broken or does not fit the
    pixels, they are read as they are (what browsers do)."""
    if image.mode in ("1", "P"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    alpha = image.getchannel("A") if "A" in image.getbands() else None
    if image.mode in ("LA", "La"):
        colour = image.convert("L")
    elif image.mode in ("L", "RGB", "CMYK"):
        colour = image
    else:  # RGBA, and modes no profile describes here (16-bit, YCbCr, LAB...)
        colour = image.convert("RGB")
    output_mode = "L" if colour.mode == "L" else "RGB"
    converted = _converted(colour, icc) if icc and output_mode == "RGB" else None
    if converted is None:
        converted = colour.convert(output_mode) if colour.mode != output_mode else colour.copy()
    if alpha is not None:
        converted = converted.convert("LA" if output_mode == "L" else "RGBA")
        converted.putalpha(alpha)
    converted.info = {}
    return converted


def _converted(colour: Image.Image, icc: bytes) -> Image.Image | None:
    """The RGB or CMYK pixels through their profile to sRGB; None where the profile cannot be used."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if source.profile.xcolor_space != PROFILE_SPACES.get(colour.mode):
            return None
        return ImageCms.profileToProfile(colour, source, SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None
