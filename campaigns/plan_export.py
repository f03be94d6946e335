"""A content plan as CSV: the calendar's items in the import's columns (so that an export imports back to the same
items), and the downloadable template. The lines come from analytics/exports.py `csv_lines`: a byte order mark for
spreadsheets and every cell neutralised against formulas, which the import undoes (plan_columns.plain).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import plan_columns
from campaigns.models import ContentItem, MediaAsset, Organisation, Variant, VariantMedia

# Items fetched per round trip (with their variants, media and sources by prefetch): the export holds this many.
CHUNK_ITEMS = 500
HEADER = [*plan_columns.NAMES, *plan_columns.READ_ONLY]


def calendar_items(
    user: AbstractBaseUser, organisation: Organisation, start: dt.datetime, end: dt.datetime, filters: Any
) -> QuerySet[ContentItem]:
    """The items the calendar shows between `start` and `end` with `filters` (publishing/calendar.py `Filters`):
    those with a publication there that matches, and, unless a publication state is asked for, those planned
    there (a draft has no publication yet) of the campaign, platform and language asked for. Archived ones aside."""
    from publishing.models import Publication

    publications = Publication.objects.filter(
        variant__item=OuterRef("pk"), scheduled_at__gte=start, scheduled_at__lt=end, **filters.lookups()
    )
    shown = Q(Exists(publications))
    if not filters.state:
        planned = Q(planned_at__gte=start, planned_at__lt=end)
        if filters.campaign:
            planned &= Q(campaign_id=filters.campaign)
        variants = {"platform": filters.platform, "language": filters.language}
        if chosen := {name: value for name, value in variants.items() if value}:
            planned &= Q(Exists(Variant.objects.filter(item=OuterRef("pk"), **chosen)))
        shown |= planned
    first_publication = Min(
        "variants__publications__scheduled_at",
        filter=Q(variants__publications__scheduled_at__gte=start, variants__publications__scheduled_at__lt=end),
    )
    return (
        ContentItem.objects.for_user(user)
        .for_organisation(organisation)
        .exclude(state=ContentItem.State.ARCHIVED)
        .filter(shown)
        .annotate(first_publication=first_publication)
        .select_related("campaign")
        .order_by("planned_at", "pk")
    )


def plan_rows(items: QuerySet[ContentItem], organisation: Organisation) -> Iterator[list[Any]]:
    """The header, then one row per item, read in chunks."""
    zone = organisation.zone
    names = media_names(organisation)
    attachments = Prefetch("attachments", queryset=VariantMedia.objects.select_related("asset").order_by("position"))
    variants = Prefetch(
        "variants", queryset=Variant.objects.order_by("platform", "language").prefetch_related(attachments)
    )
    yield HEADER
    for item in items.prefetch_related(variants, "sources").iterator(chunk_size=CHUNK_ITEMS):
        yield plan_row(item, zone, names)


def plan_row(item: ContentItem, zone: dt.tzinfo, names: dict[int, str]) -> list[Any]:
    """One item in the plan's columns (then the read-only ones); its variants' media in their order, each once."""
    variants = list(item.variants.all())
    text, hashtags = plan_columns.text_and_hashtags(item.master_text)
    assets = dict.fromkeys(attachment.asset_id for v in variants for attachment in v.attachments.all())
    when = item.planned_at or getattr(item, "first_publication", None)
    cells = {
        "campaign": item.campaign.name, "kind": item.kind,
        "planned_at": plan_columns.local_time(when, zone) if when else "",
        "platforms": " ".join(dict.fromkeys(v.platform for v in variants)),
        "languages": " ".join(dict.fromkeys(v.language for v in variants)),
        "title": item.title, "text": text, "media": "; ".join(names[pk] for pk in assets if pk in names),
        "hashtags": hashtags, "sources": " ".join(s.url for s in sorted(item.sources.all(), key=lambda s: s.pk)),
        "health_advice": "yes" if item.is_health_advice else "", "item": item.pk, "state": item.state,
    }  # fmt: skip
    return [cells[name] for name in HEADER]


def media_names(organisation: Organisation) -> dict[int, str]:
    """Each asset's name in a plan: its file name, or its stored name where two assets share a file name."""
    stored = dict(MediaAsset.objects.for_organisation(organisation).values_list("pk", "file"))
    counts = Counter(PurePath(name).name.casefold() for name in stored.values())
    return {
        pk: PurePath(name).name if counts[PurePath(name).name.casefold()] == 1 else name for pk, name in stored.items()
    }


def template_rows(organisation: Organisation) -> Iterator[list[str]]:
    """The header and one example row per kind, in the organisation's campaign, languages and time zone."""
    campaign = organisation.campaigns.order_by("-start_date", "name").first()
    name = campaign.name if campaign else _("Flu vaccination")
    hashtags = " ".join(campaign.hashtags) if campaign else "#FluVaccine"
    language = (campaign.effective_languages if campaign else organisation.languages or ["en"])[0]
    monday = timezone.localdate(timezone=organisation.zone) + dt.timedelta(days=7)
    monday -= dt.timedelta(days=monday.weekday())
    at = dt.datetime.combine(monday, dt.time(9), tzinfo=organisation.zone)
    zone_note = _("Times are %(zone)s time unless they carry an offset, as the alert's does.") % {
        "zone": organisation.timezone}  # fmt: skip
    examples = [
        {"kind": "post", "planned_at": at.strftime(plan_columns.LOCAL_FORMAT), "platforms": "mastodon facebook",
         "title": _("Example post"), "text": _("Replace these example rows with your plan.") + " " + zone_note,
         "sources": "https://www.who.int/news-room/fact-sheets/detail/influenza-(seasonal)", "health_advice": "yes"},
        {"kind": "infographic", "planned_at": (at + dt.timedelta(days=1)).strftime(plan_columns.LOCAL_FORMAT),
         "platforms": "instagram", "title": _("Example infographic"),
         "text": _("An infographic: its file is already in the library."), "media": "infographic.png"},
        {"kind": "video", "planned_at": (at + dt.timedelta(days=2)).strftime(plan_columns.LOCAL_FORMAT),
         "platforms": "youtube", "title": _("Example video"),
         "text": _("A video's first line is its title on YouTube"), "media": "video.mp4"},
        {"kind": "alert", "planned_at": plan_columns.local_time(at + dt.timedelta(days=3), organisation.zone),
         "platforms": "x bluesky", "title": _("Example alert"), "text": _("An urgent alert: two managers approve it.")},
    ]  # fmt: skip
    yield list(plan_columns.NAMES)
    for example in examples:
        row = {"campaign": name, "languages": language, "hashtags": hashtags} | example
        yield [row.get(column, "") for column in plan_columns.NAMES]
