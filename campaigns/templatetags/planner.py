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
