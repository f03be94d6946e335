from django import template

from campaigns.languages import is_rtl
from campaigns.models import MediaAsset

register = template.Library()


@register.filter
def alt_in(asset: MediaAsset, language: str) -> str:
    """The asset's alt text in `language` (empty if missing)."""
    return (asset.alt_text or {}).get(language, "")


@register.filter
def direction(language: str) -> str:
    return "rtl" if is_rtl(language) else "ltr"


@register.filter
def person(user: object, fallback: str = "—") -> str:
    """A person's full name, else their username, else `fallback` (for someone deleted, or the system)."""
    if user is None:
        return fallback
    return user.get_full_name() or user.get_username()
