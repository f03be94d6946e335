"""Reads for the library pages: the grid with its search and filters, an asset's usage and history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Paginator
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404

from campaigns.models import MediaAsset, Organisation, Rendition, Variant, VariantMedia

LIBRARY_PURPOSE = "library"  # the renditions that are the library's and the calendar's thumbnails


def assets_for_user(user: AbstractBaseUser) -> QuerySet[MediaAsset]:
    """The assets of the user's organisations, each knowing whether a variant uses it."""
    used = VariantMedia.objects.filter(asset=OuterRef("pk"))
    thumbnails = Prefetch(
        "renditions", queryset=Rendition.objects.filter(purpose=LIBRARY_PURPOSE), to_attr="library_renditions"
    )
    return (
        MediaAsset.objects.for_user(user)
        .select_related("organisation", "campaign")
        .annotate(is_used=Exists(used))
        .prefetch_related(thumbnails)
    )


def asset_for_user(user: AbstractBaseUser, pk: int) -> MediaAsset:
    """One asset of the user's organisations, or 404."""
    return get_object_or_404(MediaAsset.objects.for_user(user).select_related("organisation", "campaign"), pk=pk)


def search_assets(assets: QuerySet[MediaAsset], criteria: dict[str, Any]) -> QuerySet[MediaAsset]:
    """Narrow `assets` by the library's search box and filters (cleaned by LibraryFilterForm)."""
    if text := criteria.get("q"):
        assets = assets.annotate(tags_text=Cast("tags", output_field=TextField())).filter(
            Q(title__icontains=text) | Q(campaign__name__icontains=text) | Q(tags_text__icontains=text)
        )
    if criteria.get("organisation"):
        assets = assets.filter(organisation=criteria["organisation"])
    if criteria.get("kind"):
        assets = assets.filter(kind=criteria["kind"])
    if criteria.get("campaign"):
        assets = assets.filter(campaign=criteria["campaign"])
    if language := criteria.get("language"):
        described = Q(alt_text__has_key=language) & ~Q(**{f"alt_text__{language}": ""})
        assets = assets.exclude(described) if criteria.get("alt") == "missing" else assets.filter(described)
    if criteria.get("usage") in ("used", "unused"):
        assets = assets.filter(is_used=criteria["usage"] == "used")
    return assets


def thumbnail_url(asset: MediaAsset) -> str:
    """The library rendition if made, else a video's poster, else the original (scaled by the browser)."""
    renditions = getattr(asset, "library_renditions", None)
    if renditions is None:
        renditions = list(asset.renditions.filter(purpose=LIBRARY_PURPOSE))
    if renditions:
        return renditions[0].file.url
    if asset.kind == MediaAsset.Kind.VIDEO:
        return asset.poster.url if asset.poster else ""
    return asset.file.url if asset.file else ""


def alt_to_show(asset: MediaAsset, language: str) -> str:
    """The alt text in the page's language, else the first one written."""
    return asset.alt_text.get(language) or next((text for text in asset.alt_text.values() if text), "")


@dataclass(frozen=True)
class Change:
    when: Any
    who: Any
    what: str
    fields: list[str]


def history_of(asset: MediaAsset) -> list[Change]:
    """Who changed what and when, newest first (django-simple-history's records, compared pairwise)."""
    records = list(asset.history.select_related("history_user").order_by("-history_date", "-history_id"))
    changes = []
    for record, older in zip(records, [*records[1:], None], strict=True):
        fields = [] if older is None else [c.field for c in record.diff_against(older).changes]
        fields = [str(MediaAsset._meta.get_field(name).verbose_name) for name in fields]
        what = record.history_change_reason or record.get_history_type_display()
        changes.append(Change(record.history_date, record.history_user, what, fields))
    return changes


def usage_of(asset: MediaAsset) -> list[VariantMedia]:
    """The variants that use the asset, with their items and campaigns."""
    return list(
        asset.attachments.select_related("variant__item__campaign").order_by("variant__item__title", "variant__pk")
    )


def organisations_of(user: AbstractBaseUser) -> QuerySet[Organisation]:
    return Organisation.objects.for_user(user).order_by("name")


ASSETS_PER_PAGE = 48  # four rows of twelve on a wide screen, few enough thumbnails to load at once


def library_page(user: AbstractBaseUser, criteria: dict[str, Any], page_number: Any) -> dict[str, Any]:
    """One page of the grid: the assets matching `criteria`, each with its thumbnail, and the counts."""
    every = assets_for_user(user)
    paginator = Paginator(search_assets(every, criteria), ASSETS_PER_PAGE)
    page = paginator.get_page(page_number)
    for asset in page.object_list:
        asset.thumbnail_url = thumbnail_url(asset)
    return {"page": page, "matching": paginator.count, "total": every.count(), "filtered": any(criteria.values())}


PICKS_PER_PAGE = 24  # the editor's picker is narrower than the library's grid


def picker_page(variant: Variant, criteria: dict[str, Any], page_number: Any) -> dict[str, Any]:
    """The library's assets offered to a variant: the item's campaign's first, then the newest, those already
    attached marked; searched like the library's grid (title, campaign, tags) and narrowed by kind."""
    item = variant.item
    attached = VariantMedia.objects.filter(variant=variant, asset=OuterRef("pk"))
    thumbnails = Prefetch(
        "renditions", queryset=Rendition.objects.filter(purpose=LIBRARY_PURPOSE), to_attr="library_renditions"
    )
    assets = (
        MediaAsset.objects.for_organisation(item.campaign.organisation)
        .select_related("campaign")
        .annotate(
            is_attached=Exists(attached),
            in_campaign=Case(When(campaign_id=item.campaign_id, then=Value(1)), default=Value(0)),
        )
        .prefetch_related(thumbnails)
        .order_by("-in_campaign", "-created_at", "-pk")
    )
    paginator = Paginator(search_assets(assets, {k: criteria.get(k) for k in ("q", "kind")}), PICKS_PER_PAGE)
    page = paginator.get_page(page_number)
    for asset in page.object_list:
        asset.thumbnail_url = thumbnail_url(asset)
    return {"page": page, "matching": paginator.count, "searched": bool(criteria.get("q") or criteria.get("kind"))}
