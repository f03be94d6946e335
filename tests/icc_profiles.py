"""A wide-gamut RGB colour profile built byte by byte: the machine has no profile file but sRGB's.

An ICC v2 matrix/TRC display profile (ICC.1:2001-04): a 128-byte header, a tag table, then the tags a
display profile needs: its description, white point, the three colorants (the primaries' XYZ, adapted to
the D50 connection space) and one tone curve per channel.
"""

from __future__ import annotations

import struct

D50 = (0.9642, 1.0, 0.8249)
# Adobe RGB (1998)'s primaries adapted to D50 (Bradford), as Adobe's own AdobeRGB1998.icc lists them; each
# column sums to D50.
ADOBE_RGB_COLORANTS = {
    b"rXYZ": (0.60974, 0.31111, 0.01947),
    b"gXYZ": (0.20528, 0.62567, 0.06087),
    b"bXYZ": (0.14919, 0.06322, 0.74457),
}
ADOBE_RGB_GAMMA = 563 / 256  # "2.2" as the standard writes it: 2.19921875, a u8Fixed8Number


def _s15fixed16(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ " + bytes(4) + b"".join(_s15fixed16(v) for v in values)


def _curve(gamma: float) -> bytes:
    return b"curv" + bytes(4) + struct.pack(">IH", 1, round(gamma * 256)) + bytes(2)  # padded to 4 bytes


def _description(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    # textDescriptionType: the ASCII text, then empty Unicode and ScriptCode versions (67 bytes for ScriptCode).
    unicode_and_script_code = struct.pack(">IIHB", 0, 0, 0, 0) + bytes(67)
    return b"desc" + bytes(4) + struct.pack(">I", len(ascii_text)) + ascii_text + unicode_and_script_code


def _text(text: str) -> bytes:
    return b"text" + bytes(4) + text.encode("ascii") + b"\0"


def rgb_display_profile(
    description: str = "Adobe RGB (1998) compatible, built by the tests",
    colorants: dict[bytes, tuple[float, float, float]] = ADOBE_RGB_COLORANTS,
    gamma: float = ADOBE_RGB_GAMMA,
) -> bytes:
    """The bytes of an ICC v2 RGB display profile with these colorants and one gamma curve for all three channels."""
    curve = _curve(gamma)
    tags = [
        (b"desc", _description(description)),
        (b"wtpt", _xyz(D50)),  # a v2 display profile's media white is read as D50 by LittleCMS anyway
        *((signature, _xyz(xyz)) for signature, xyz in colorants.items()),
        (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve),
        (b"cprt", _text("No copyright, use freely")),
    ]  # fmt: skip
    table_size = 4 + 12 * len(tags)
    offset, entries, data = 128 + table_size, [], b""
    for signature, content in tags:
        entries.append(struct.pack(">4sII", signature, offset + len(data), len(content)))
        data += content + bytes(-len(content) % 4)  # each tag starts on a 4-byte boundary
    size = 128 + table_size + len(data)
    header = (
        struct.pack(">I4sI", size, b"lcms", 0x02100000)  # size, preferred CMM, version 2.1
        + b"mntr" + b"RGB " + b"XYZ "  # display device, RGB data, XYZ connection space
        + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)  # creation date and time
        + b"acsp" + bytes(4)  # the profile file signature, no primary platform
        + struct.pack(">III", 0, 0, 0) + bytes(8)  # flags, manufacturer, model; device attributes
        + struct.pack(">I", 0)  # perceptual rendering intent
        + b"".join(_s15fixed16(v) for v in D50)  # the connection space's illuminant
        + bytes(4) + bytes(16) + bytes(28)  # creator, profile id (v4 only), reserved
    )  # fmt: skip
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + b"".join(entries) + data
