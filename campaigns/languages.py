"""The languages content can be written in (ISO 639-1 codes, names and direction from Django)."""

from django.conf.locale import LANG_INFO

CONTENT_LANGUAGE_CODES = (
    "en", "fr", "ar", "es", "pt", "de", "it", "nl", "ru", "uk", "pl", "ro", "tr",
    "fa", "ur", "he", "hi", "bn", "zh-hans", "id", "ms", "vi", "th", "sw",
)  # fmt: skip

CONTENT_LANGUAGES = [(code, LANG_INFO[code]["name"]) for code in CONTENT_LANGUAGE_CODES]


def language_name(code: str) -> str:
    """The English name of a content language, or the code itself if unknown."""
    return LANG_INFO.get(code, {}).get("name", code)


def is_rtl(code: str) -> bool:
    """Whether text in this language is laid out right to left (Arabic, Persian, Urdu, Hebrew)."""
    return bool(LANG_INFO.get(code, {}).get("bidi", False))


def unknown_languages(codes: list[str]) -> list[str]:
    """The codes in `codes` that are not content languages."""
    return [code for code in codes if code not in CONTENT_LANGUAGE_CODES]
