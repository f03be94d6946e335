"""The rules of good alt text, in one place for the pre-publish checks and every form where alt text is typed.

Refused: empty, a file name ("IMG_2041.jpg", "poster-final.png"), or a placeholder word in English, French or
Arabic ("image", "photo de", "صورة"). Warned: alt text much shorter than the text drawn in the image (known for
the cards and infographics the planner draws), or an infographic's alt text that leaves out its figures.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EMPTY = "alt_text_missing"
FILE_NAME = "alt_text_file_name"
PLACEHOLDER = "alt_text_placeholder"
TOO_SHORT = "alt_text_short"
FIGURES = "alt_text_figures"

# Below this share of the image's own text, the alt text cannot be saying what the image says.
MIN_SHARE_OF_IMAGE_TEXT = 0.5

FILE_EXTENSION = re.compile(
    r"\.(jpe?g|png|gif|webp|bmp|tiff?|heic|heif|svg|avif|psd|ai|pdf|mp4|mov|webm|m4v)$", re.IGNORECASE
)
# What cameras, phones and screenshot tools call their files.
CAMERA_NAME = re.compile(r"^(img|dsc|dscn|dscf|pxl|mvimg|vid|gopr|screenshot|capture)[\s_-]*\d", re.IGNORECASE)
# One word joined by dashes or underscores, as file names are ("poster-final", "flu_card_v2") ...
SLUG = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)+$", re.IGNORECASE)
# ... but not a name such as "COVID-19" or "H5N1-2024".
TERM_WITH_NUMBER = re.compile(r"^[a-z0-9]+-\d+$", re.IGNORECASE)

# Words that say there is an image, not what it shows; compared after articles and numbers are taken off.
PLACEHOLDERS = frozenset({
    # English
    "image", "photo", "picture", "graphic", "infographic", "img", "pic", "photograph", "illustration",
    "placeholder", "untitled", "alt", "alt text", "image of", "photo of", "picture of", "graphic of",
    # French
    "image de", "image d", "photo de", "photo d", "illustration de", "graphique", "infographie", "visuel",
    "sans titre", "texte alternatif",
    # Arabic
    "صورة", "الصورة", "صوره", "رسم", "الرسم", "رسم بياني", "رسم توضيحي", "انفوجرافيك", "إنفوجرافيك", "صورة ل",
    "صورة لـ", "صورة عن",
})  # fmt: skip
ARTICLES = frozenset({"a", "an", "the", "un", "une", "la", "le", "l", "les"})
FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    is_error: bool


def judge(alt_text: str, *, image_text: str = "", infographic: bool = False) -> list[Finding]:
    """What is wrong with `alt_text`: errors (refused) first, then warnings."""
    text = alt_text.strip()
    if not text:
        return [Finding(EMPTY, _("The alt text is empty: say what the image shows."), True)]
    if is_file_name(text):
        message = _("“%(text)s” is a file name, not a description: say what the image shows.")
        return [Finding(FILE_NAME, message % {"text": text}, True)]
    if is_placeholder(text):
        message = _("“%(text)s” only says there is an image: say what it shows.")
        return [Finding(PLACEHOLDER, message % {"text": text}, True)]
    return _warnings(text, image_text.strip(), infographic)


def validate_alt_text(value: str) -> None:
    """A form field's validator: refuses what `judge` counts as an error (an empty field is the form's to allow)."""
    if value.strip() and (errors := [f for f in judge(value) if f.is_error]):
        raise ValidationError(errors[0].message, code=errors[0].rule)


def is_file_name(text: str) -> bool:
    """Whether `text` looks like the name of a file rather than words."""
    if FILE_EXTENSION.search(text) and " " not in text.strip():
        return True
    if FILE_EXTENSION.search(text) and SLUG.match(FILE_EXTENSION.sub("", text)):
        return True
    return bool(CAMERA_NAME.match(text)) or (bool(SLUG.match(text)) and not TERM_WITH_NUMBER.match(text))


def is_placeholder(text: str) -> bool:
    """Whether `text` is only a word for "image" (with perhaps an article or a number)."""
    words = re.sub(r"[^\w\s]", " ", text.casefold()).split()
    words = [word for word in words if not word.isdigit()]
    while words and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words) in PLACEHOLDERS if words else True


def figures_in(text: str) -> list[str]:
    """The numbers written in `text`, in Western digits whatever digits were used (Arabic-Indic 70 too), in order, once."""
    found = [_western(match) for match in FIGURE.findall(text)]
    return list(dict.fromkeys(figure.replace(",", ".") for figure in found))


def _warnings(text: str, image_text: str, infographic: bool) -> list[Finding]:
    findings = []
    if image_text and len(text) < MIN_SHARE_OF_IMAGE_TEXT * len(image_text):
        message = _(
            "The image holds %(image)s characters of text; its alt text has %(alt)s. Give what the image says, "
            "with its figures."
        )
        findings.append(Finding(TOO_SHORT, message % {"image": len(image_text), "alt": len(text)}, False))
    if image_text:
        given = set(figures_in(text))
        if missing := [figure for figure in figures_in(image_text) if figure not in given]:
            message = _("The image shows figures the alt text does not give: %(figures)s.")
            findings.append(Finding(FIGURES, message % {"figures": ", ".join(missing)}, False))
    elif infographic and not figures_in(text):
        message = _("This is an infographic: give its figures in the alt text, as the image shows them.")
        findings.append(Finding(FIGURES, message, False))
    return findings


def _western(figure: str) -> str:
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in figure)
