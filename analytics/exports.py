"""The campaign report as CSV: every publication with its latest metrics, and the report's tables.

Spreadsheets are where these files go, so: UTF-8 with a byte order mark (without it Excel reads the file in
the machine's legacy code page and Arabic titles come out as mojibake), and every text cell neutralised
against formula injection (see `cell`).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from analytics import figures
from analytics.figures import Totals
from analytics.reports import KINDS, PLATFORMS
from campaigns.models import Campaign, Source
from publishing.engagement import ENGAGEMENT_PARTS

BOM = "\ufeff"
# Rows fetched from the database per round trip: 20,000 publications are ten fetches, ~2,000 rows in memory.
CHUNK_ROWS = 2000
# A spreadsheet runs a cell starting with one of these as a formula (`=HYPERLINK(...)`, `@SUM(...)`, `+cmd|...`);
# a title is anyone's text, so such a cell is prefixed with an apostrophe, which makes it plain text (OWASP's
# "CSV injection" advice). Tab and carriage return are on OWASP's list too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

METRIC_COLUMNS = ("impressions", "likes", "shares", "replies", "clicks", "video_views", "watch_time_s")
PUBLICATION_HEADER = [
    "publication id", "item id", "item title", "kind", "campaign", "platform", "account handle", "language",
    "published at", "remote URL", "impressions", "likes", "shares", "replies", "clicks", "video views",
    "watch time (s)", "engagement", "collected at", "citations",
]  # fmt: skip
TABLE_FIGURES = ("posts", "items", "reach", "likes", "shares", "replies", "clicks", "video_views", "watch_time_s",
                 "engagement")  # fmt: skip
TABLE_HEADER = ["table", "row", "posts", "items", "reach", "likes", "shares", "replies", "clicks", "video views",
                "watch time (s)", "engagement", "engagement rate"]  # fmt: skip


def cell(value: Any) -> Any:
    """A value as a CSV cell: None empty, text that a spreadsheet would run as a formula made plain text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """What csv.writer writes to: hands back each line instead of keeping it, so rows can be streamed."""

    def write(self, line: str) -> str:
        return line


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The rows as CSV lines, the first starting with the byte order mark; lazily, one row at a time."""
    writer = csv.writer(_Line())
    for number, row in enumerate(rows):
        line = writer.writerow([cell(value) for value in row])
        yield BOM + line if number == 0 else line


def publication_rows(campaign: Campaign) -> Iterator[list[Any]]:
    """The header, then each published post of the campaign with its latest metrics (empty where not collected
    or not given by the platform); one query, read in chunks."""
    zone = campaign.organisation.zone
    posts = (
        figures.published(variant__item__campaign=campaign)
        .order_by("published_at", "pk")
        .values_list(
            "pk", "variant__item_id", "variant__item__title", "variant__item__kind", "account__platform",
            "account__handle", "variant__language", "published_at", "remote_url",
            *(f"latest__{column}" for column in METRIC_COLUMNS), "latest__collected_at",
        )
    )  # fmt: skip
    cited = citations(campaign)
    yield PUBLICATION_HEADER
    for pk, item_id, title, kind, platform, handle, language, published_at, url, *collected in posts.iterator(
        chunk_size=CHUNK_ROWS
    ):
        *metrics, collected_at = collected
        by_name = dict(zip(METRIC_COLUMNS, metrics, strict=True))
        yield [
            pk, item_id, title, str(KINDS.get(kind, kind)), campaign.name, str(PLATFORMS.get(platform, platform)),
            handle, language, _local(published_at, zone), url, *metrics, _engagement(by_name),
            _local(collected_at, zone), cited.get(item_id, ""),
        ]  # fmt: skip


@dataclass(frozen=True)
class CitedClaim:
    text: str
    sources: list[tuple[str, str]]  # (the source's type, its address)


def cited_claims(campaign: Campaign) -> dict[int, list[CitedClaim]]:
    """Each item's claims in order, with their sources' type and address. One query for the whole campaign."""
    rows = (
        Source.objects.filter(item__campaign=campaign, claim__isnull=False)
        .order_by("item_id", "claim__position", "claim_id", "pk")
        .values_list("item_id", "claim_id", "claim__text", "kind", "url")
    )
    claims: dict[int, dict[int, CitedClaim]] = {}
    for item_id, claim_id, text, kind, url in rows:
        claim = claims.setdefault(item_id, {}).setdefault(claim_id, CitedClaim(text, []))
        claim.sources.append((str(Source.Kind(kind).label), url))
    return {item_id: list(by_claim.values()) for item_id, by_claim in claims.items()}


def cited_items(campaign: Campaign) -> list[tuple[str, list[CitedClaim]]]:
    """The titles of the campaign's items that make claims, in order, each with its claims: the report's sources."""
    claims = cited_claims(campaign)
    titles = dict(campaign.items.filter(pk__in=claims).values_list("pk", "title"))
    return sorted(((titles[pk], item_claims) for pk, item_claims in claims.items()), key=lambda row: row[0])


def citations(campaign: Campaign) -> dict[int, str]:
    """Each item's claims with their sources, as one cell: “claim” — type: URL; type: URL | “next claim” — ..."""
    return {
        item_id: " | ".join(
            f"“{claim.text}” — {'; '.join(f'{kind}: {url}' for kind, url in claim.sources)}" for claim in claims
        )
        for item_id, claims in cited_claims(campaign).items()
    }


def table_rows(report: dict[str, Any]) -> Iterator[list[Any]]:
    """The header, then the report's tables one after the other, each row named by its table."""
    yield TABLE_HEADER
    yield _figures_row("totals", "all", report["totals"])
    for table, rows in (("platforms", report["by_platform"]), ("kinds", report["by_kind"]),
                        ("languages", report["by_language"])):  # fmt: skip
        for label, totals in rows:
            yield _figures_row(table, label, totals)
    for week, totals in report["weeks"]:
        yield _figures_row("weeks", week.isoformat(), totals)
    for item in report["top_items"]:
        yield _figures_row("top items", item["title"], item["totals"])


def _figures_row(table: str, label: Any, totals: Totals) -> list[Any]:
    rate = None if totals.rate is None else round(totals.rate, 6)
    return [table, str(label), *(getattr(totals, name) for name in TABLE_FIGURES), rate]


def _engagement(metrics: dict[str, int | None]) -> int | None:
    """Likes + shares + replies + clicks, as the reports count it; None when the platform gave none of them."""
    parts = [metrics[part] for part in ENGAGEMENT_PARTS if metrics[part] is not None]
    return sum(parts) if parts else None


def _local(moment: dt.datetime | None, zone: dt.tzinfo) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat(timespec="seconds")
