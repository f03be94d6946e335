"""Health cards: a title, one big figure and a line of text on the campaign's colour, in each platform's shape.

Right-to-left languages are shaped and laid out by libraqm (through Pillow); figures are drawn as typed, so
Western (70%) and Arabic-Indic (U+0660 to U+0669) digits both stay what the author wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageColor

from campaigns.infographics import TextLayout, can_draw, font

LIGHT_INK = "#ffffff"
DARK_INK = "#1a1a1a"
# WCAG 2.x level AA for normal-size text; the line and the wordmark are normal-size.
MIN_CONTRAST = 4.5
# Each try shrinks every type size by this much until the text fits the card.
SHRINK_STEP = 0.08
SMALLEST_SCALE = 0.4
LOGO_MAX_WIDTH = 0.3  # of the text width: the wordmark keeps the rest of the foot


@dataclass(frozen=True)
class Shape:
    key: str
    ratio: str
    size: tuple[int, int]
    used_for: str


# From ../shared/platform-rules.md: Instagram takes 4:5 to 1.91:1 (1200 x 630 is 1.905, inside it);
# stories, Reels and Shorts are 9:16; X, YouTube, Mastodon and Bluesky show 16:9 whole.
SHAPES = {
    shape.key: shape
    for shape in (
        Shape("square", "1:1", (1080, 1080), "every feed"),
        Shape("portrait", "4:5", (1080, 1350), "Instagram and Facebook feeds"),
        Shape("landscape", "1.91:1", (1200, 630), "Facebook, LinkedIn and Instagram's widest"),
        Shape("wide", "16:9", (1600, 900), "X, YouTube, Mastodon and Bluesky"),
        Shape("story", "9:16", (1080, 1920), "stories, Reels and Shorts"),
    )
}


@dataclass(frozen=True)
class CardText:
    title: str
    figure: str
    line: str

    def alt_text(self) -> str:
        """What a screen reader says instead of the card: the same words, in reading order."""
        return f"{self.title.strip()}: {self.figure.strip()}. {self.line.strip()}"


class CardTooLong(ValueError):
    """The text does not fit the card even at the smallest type size; `field` says which part is too long."""

    def __init__(self, field: str, shape: str) -> None:
        self.field, self.shape = field, shape
        super().__init__(f"The {field} is too long for the {shape} card: shorten it.")


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour (0 black, 1 white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = ImageColor.getrgb(colour)[:3]
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def card_colours(colour: str) -> tuple[str, str]:
    """Background and ink: white or dark ink, whichever contrasts more, on `colour` deepened until it reaches 4.5:1."""
    red, green, blue = ImageColor.getrgb(colour)[:3]
    for step in range(int(1 / SHRINK_STEP) + 2):
        amount = min(step * SHRINK_STEP, 1)
        ink = LIGHT_INK if contrast(colour, LIGHT_INK) >= contrast(colour, DARK_INK) else DARK_INK
        toward = 0 if ink == LIGHT_INK else 255  # darken under white ink, lighten under dark ink
        mixed = [round(c + (toward - c) * amount) for c in (red, green, blue)]
        background = "#{:02x}{:02x}{:02x}".format(*mixed)
        if contrast(background, ink) >= MIN_CONTRAST:
            return background, ink
    raise AssertionError("black under white ink always reaches 21:1")


def draw_card(
    text: CardText, colour: str, wordmark: str, shape: str, *, language: str = "en", logo: Image.Image | None = None
) -> bytes:
    """A PNG card of `text` on `colour`, in one of SHAPES, with the organisation's `wordmark` at the foot where the
    text starts and the `logo`, if any, at its other end on a white plate (logos are made for white)."""
    if not can_draw(language):
        raise ValueError(f"Drawing {language} text needs Pillow built with libraqm.")
    width, height = SHAPES[shape].size
    background, ink = card_colours(colour)
    # Wide shapes have room across for larger type than their height alone suggests; the fit shrinks it if not.
    unit = min(width, height * 1.3) / 1080
    margin = round(80 * unit)
    layout = TextLayout(Image.new("RGB", (width, height), background), language, margin)

    foot = round(130 * unit)
    layout.draw.line((margin, height - foot, width - margin, height - foot), fill=ink, width=max(round(3 * unit), 1))
    room = layout.max_width
    if logo is not None:
        room -= _draw_logo(layout, logo, (height - foot, height), unit) + margin // 2
    mark_size = layout.fitting_size(wordmark, round(38 * unit), bold=True, room=room)
    layout.line(wordmark, height - foot + (foot - mark_size) // 2 - round(4 * unit), font(mark_size, True), ink)

    blocks = _fitted_blocks(layout, text, unit, height - foot - 2 * margin, SHAPES[shape].ratio)
    y = margin + (height - foot - 2 * margin - sum(b.height for b in blocks)) // 2
    for block in blocks:
        layout.lines(block.lines, y + block.gap_before, font(block.size, block.bold), ink, block.leading)
        y += block.height

    output = BytesIO()
    layout.image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def _draw_logo(layout: TextLayout, logo: Image.Image, foot: tuple[int, int], unit: float) -> int:
    """Draw the logo in the foot, at the end of the line the text starts on; returns the width it takes."""
    padding = round(10 * unit)
    box_height = round((foot[1] - foot[0]) * 0.62)
    fitted = logo.convert("RGBA")
    fitted.thumbnail((round(layout.max_width * LOGO_MAX_WIDTH), box_height - 2 * padding), Image.Resampling.LANCZOS)
    plate = (fitted.width + 2 * padding, fitted.height + 2 * padding)
    rtl = layout.anchor.startswith("r")
    left = layout.margin if rtl else layout.image.width - layout.margin - plate[0]
    top = foot[0] + (foot[1] - foot[0] - plate[1]) // 2
    layout.draw.rounded_rectangle((left, top, left + plate[0], top + plate[1]), radius=padding, fill=LIGHT_INK)
    layout.image.paste(fitted, (left + padding, top + padding), fitted)
    return plate[0]


@dataclass(frozen=True)
class _Block:
    lines: list[str]
    size: int
    bold: bool
    leading: int
    gap_before: int

    @property
    def height(self) -> int:
        return self.gap_before + self.leading * len(self.lines)


def _fitted_blocks(layout: TextLayout, text: CardText, unit: float, room: int, ratio: str) -> list[_Block]:
    """The title, figure and line at the largest scale at which all three fit in `room` pixels of height."""
    scale, blocks = 1.0, []
    while scale >= SMALLEST_SCALE:
        figure_size = layout.fitting_size(text.figure, round(260 * unit * scale), bold=True)
        blocks = [
            _wrapped(layout, text.title, round(76 * unit * scale), True, 1.25, 0, max_lines=3),
            _wrapped(layout, text.figure, figure_size, True, 1.15, round(36 * unit * scale), max_lines=1),
            _wrapped(layout, text.line, round(48 * unit * scale), False, 1.3, round(24 * unit * scale), max_lines=4),
        ]
        if all(blocks) and sum(b.height for b in blocks if b) <= room:
            return [b for b in blocks if b]
        scale -= SHRINK_STEP
    misfits = [field for field, block in zip(("title", "figure", "line"), blocks, strict=True) if block is None]
    raise CardTooLong((misfits or ["line"])[0], ratio)


def _wrapped(
    layout: TextLayout, text: str, size: int, bold: bool, leading: float, gap: int, max_lines: int
) -> _Block | None:
    """`text` wrapped at `size`, or None when it needs more than `max_lines` or a word is wider than the card."""
    face = font(size, bold)
    lines = layout.wrap(text, face)
    if len(lines) > max_lines or any(layout.width_of(line, face) > layout.max_width for line in lines):
        return None
    return _Block(lines, size, bold, round(size * leading), gap)
