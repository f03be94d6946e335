"""Infographic cards drawn with Pillow: a coloured header, two or three big figures, a footer."""

from __future__ import annotations

from functools import cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont, features

from campaigns.languages import is_rtl

# 4:5 portrait: the tallest shape Instagram shows uncropped in the feed; the others show it whole too.
CARD_SIZE = (1080, 1350)
BACKGROUND = "#f7f7f2"
INK = "#2d3436"
FOOTER = "#1e272e"
RULE = "#d8d8d0"

# Distributions put DejaVu in different folders; the first path that opens wins.
FONT_PATHS = {
    False: (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    ),
    True: (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf",
    ),
}

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def font(size: int, bold: bool) -> Font:
    """DejaVu Sans at `size` px: it covers Latin, Arabic (with its shaping tables), Hebrew and both kinds of digits."""
    for path in FONT_PATHS[bold]:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def can_draw(language: str) -> bool:
    """Whether cards in `language` can be drawn here (right-to-left scripts need libraqm to be shaped)."""
    return not is_rtl(language) or features.check("raqm")


def draw_infographic(
    title: str,
    figures: list[tuple[str, str]],
    colour: str,
    footer: str,
    *,
    language: str = "en",
    size: tuple[int, int] = CARD_SIZE,
) -> bytes:
    """A PNG card: `title` on a `colour` band, each (figure, caption) pair large below it, `footer` at the bottom."""
    if is_rtl(language) and not can_draw(language):
        raise ValueError(f"Drawing {language} text needs Pillow built with libraqm.")
    width, height = size
    unit = width / 1080
    margin = round(80 * unit)
    header_height, footer_height = round(360 * unit), round(150 * unit)
    card = TextLayout(Image.new("RGB", size, BACKGROUND), language, margin)

    card.draw.rectangle((0, 0, width, header_height), fill=colour)
    card.text_block(title, 0, header_height, round(72 * unit), bold=True, fill="white", max_lines=3)

    body_top, body_bottom = header_height, height - footer_height
    block = (body_bottom - body_top) // max(len(figures), 1)
    for index, (figure, caption) in enumerate(figures):
        top = body_top + index * block
        if index:
            card.draw.line((margin, top, width - margin, top), fill=RULE, width=max(round(3 * unit), 1))
        figure_size = card.fitting_size(figure, round(130 * unit), bold=True)
        caption_font, caption_leading = font(round(46 * unit), False), round(46 * unit * 1.3)
        caption_lines = card.wrap(caption, caption_font, max_lines=2)
        figure_height = round(figure_size * 1.2)
        y = top + (block - figure_height - len(caption_lines) * caption_leading) // 2
        card.line(figure, y, font(figure_size, True), colour)
        card.lines(caption_lines, y + figure_height, caption_font, INK, caption_leading)

    card.draw.rectangle((0, body_bottom, width, height), fill=FOOTER)
    card.draw.rectangle((0, body_bottom, width, body_bottom + round(12 * unit)), fill=colour)
    card.text_block(footer, body_bottom + round(12 * unit), height, round(40 * unit), bold=True, fill="white")

    output = BytesIO()
    card.image.save(output, format="PNG")
    return output.getvalue()


class TextLayout:
    """Text layout on one card, left-aligned or, for right-to-left languages, right-aligned and shaped."""

    def __init__(self, image: Image.Image, language: str, margin: int) -> None:
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.margin = margin
        self.max_width = image.width - 2 * margin
        rtl = is_rtl(language)
        # Direction and language are libraqm options; the basic layout engine refuses them.
        self.shaping = {"direction": "rtl", "language": language} if rtl else {}
        self.x, self.anchor = (image.width - margin, "ra") if rtl else (margin, "la")

    def width_of(self, text: str, font: Font) -> float:
        return self.draw.textlength(text, font=font, **self.shaping)

    def wrap(self, text: str, font: Font, max_lines: int | None = None) -> list[str]:
        """`text` broken into lines no wider than the card's text width (a longer single word stays whole)."""
        lines: list[str] = []
        for word in text.split():
            if lines and self.width_of(f"{lines[-1]} {word}", font) <= self.max_width:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        return lines[:max_lines]

    def fitting_size(self, text: str, size: int, bold: bool, room: int | None = None) -> int:
        while size > 24 and self.width_of(text, font(size, bold)) > (room or self.max_width):
            size -= 6
        return size

    def line(self, text: str, y: int, font: Font, fill: str) -> None:
        self.draw.text((self.x, y), text, font=font, fill=fill, anchor=self.anchor, **self.shaping)

    def lines(self, lines: list[str], y: int, font: Font, fill: str, leading: int) -> None:
        for number, text in enumerate(lines):
            self.line(text, y + number * leading, font, fill)

    def text_block(
        self, text: str, top: int, bottom: int, size: int, bold: bool, fill: str, max_lines: int = 1
    ) -> None:
        """Wraps `text` and centres it vertically between `top` and `bottom`."""
        if max_lines == 1:
            size = self.fitting_size(text, size, bold)
        face = font(size, bold)
        lines = self.wrap(text, face, max_lines)
        leading = round(size * 1.25)
        y = top + (bottom - top - len(lines) * leading) // 2 + round(size * 0.1)
        self.lines(lines, y, face, fill, leading)
