"""List pages whose rows PostgreSQL writes as JSON text, in the very bytes the serializers would render.

The item and publication lists are the API's busiest reads. Through the serializers a page of 50 rows costs
15 to 30 ms of Python (model instances, their prefetches, a field lookup per value); written by the database it
costs one query and a string join. The serializers stay the one definition of the shape (the schema and the
docs are generated from them, every other action uses them): a `RowShape` gives, for each of a serializer's
fields in its order, the SQL expression of that field's JSON text, and tests/api/test_fast_lists.py checks
that both write the same bytes. Where the fast path cannot promise that (another database than PostgreSQL,
another renderer than JSON such as the browsable API, indented JSON, another current time zone than UTC)
the list goes through the serializer.

The SQL is compact JSON as DRF's JSONRenderer writes it: no spaces, non-ASCII letters as they are, the line
and paragraph separators escaped, timestamps as `DateTimeField` writes them (ISO 8601 in UTC with a `Z`,
microseconds only when there are some).
"""

# ruff: noqa: S608, S611 -- the SQL is this module's own constant fragments; no value of a request enters it.
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import parse_header_parameters
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import BasePagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.serializers import Serializer
from rest_framework.settings import api_settings

from api import row_values

ROW = "json_row"


# JSON text of one SQL value (never NULL: a NULL value is the text `null`) ------------------------------------


def number(column: str) -> str:
    return f"coalesce(({column})::text, 'null')"


def string(column: str) -> str:
    # to_json escapes as Python's json does with ensure_ascii off (", \, control characters; \u00XX in lower case).
    return f"coalesce(to_json({column})::text, 'null')"


def boolean(column: str) -> str:
    return f"(CASE WHEN ({column}) IS NULL THEN 'null' WHEN ({column}) THEN 'true' ELSE 'false' END)"


def stamp(column: str) -> str:
    """A timestamptz as DRF's DateTimeField writes it in UTC: `2026-12-03T12:00:00Z` or `…:00.250000Z`."""
    return (
        f"coalesce('\"' || to_char(({column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN to_char({column}, 'US') = '000000' THEN '' ELSE '.' || to_char({column}, 'US') END || 'Z\"', "
        f"'null')"
    )


def json_object(pairs: Sequence[tuple[str, str]]) -> str:
    """`{"key":value,…}` from (key, JSON text expression) pairs, in their order."""
    parts = []
    for n, (key, value) in enumerate(pairs):
        head = ("{" if n == 0 else ",") + json.dumps(key) + ":"
        parts.append(f"'{head}' || {value}")
    return " || ".join(parts) + " || '}'" if parts else "'{}'"


def json_array(element: str, from_where: str, order_by: str) -> str:
    """`[…]` of `element` (JSON text) over the rows of `FROM … WHERE …`, in `order_by`; `[]` when none."""
    return f"('[' || coalesce((SELECT string_agg({element}, ',' ORDER BY {order_by}) {from_where}), '') || ']')"


@dataclass(frozen=True)
class RowShape:
    """A serializer's rows written by PostgreSQL: the JSON text expression of each field, by field name."""

    serializer_class: type[Serializer]
    fields: dict[str, str]

    def check(self) -> None:
        """The shape names the serializer's fields, in the serializer's order (else it would write another JSON)."""
        expected = list(self.serializer_class().fields)
        if list(self.fields) != expected:
            raise AssertionError(f"{self.serializer_class.__name__}: the row shape has {list(self.fields)}, "
                                 f"the serializer {expected}")  # fmt: skip

    @cached_property
    def sql(self) -> str:
        row = json_object(list(self.fields.items()))
        # DRF's renderer escapes U+2028 and U+2029 (JSON would allow them, JavaScript strings did not).
        return f"replace(replace({row}, chr(8232), '\\u2028'), chr(8233), '\\u2029')"


def applies(request: Request, queryset: QuerySet) -> bool:
    """Whether the page can be written by the database with the serializer's very bytes."""
    return (
        settings.PLANNER_API_FAST_LISTS
        and connections[queryset.db].vendor == "postgresql"
        and type(getattr(request, "accepted_renderer", None)) is JSONRenderer
        # `Accept: application/json; indent=4` asks DRF for indented JSON; the database writes it compact.
        and "indent" not in parse_header_parameters(request.accepted_media_type or "")[1]
        and api_settings.COMPACT_JSON
        and api_settings.UNICODE_JSON
        and timezone.get_current_timezone_name() == "UTC"
    )


def fast_list(view: GenericAPIView, name: str, scoped: QuerySet) -> HttpResponse | None:
    """The `name` list's page the fast way for this request (written by PostgreSQL, else built from values),
    or None when it must go through the serializer."""
    if not settings.PLANNER_API_FAST_LISTS:
        return None
    if connections[scoped.db].vendor != "postgresql":
        return row_values.list_response(view, name, scoped)
    if applies(view.request, scoped):
        return list_response(view, SHAPES[name](), scoped)
    return None


def rows_of(shape: RowShape, queryset: QuerySet, position: str) -> QuerySet:
    """The queryset as dicts of the row's JSON text and the field the cursor's position is read from."""
    return (
        queryset.select_related(None)
        .prefetch_related(None)
        .annotate(**{ROW: RawSQL(shape.sql, ())})
        .values(ROW, position)
    )


def list_response(view: GenericAPIView, shape: RowShape, queryset: QuerySet) -> HttpResponse:
    """The list page of `queryset` (the view's scoped rows, before filters) with the rows written by the database."""
    queryset = view.filter_queryset(queryset)
    # The cursor's position is read from the first ordering field of each row: the one value fetched besides.
    position = view.paginator.get_ordering(view.request, queryset, view)[0].lstrip("-")
    page = view.paginate_queryset(rows_of(shape, queryset, position))
    return page_response(view.paginator, page)


def page_response(paginator: BasePagination, page: list[dict]) -> HttpResponse:
    """The paginated answer, `{"next":…,"previous":…,"results":[…]}`, around the rows' JSON text."""
    envelope = paginator.get_paginated_response([]).data
    head = JSONRenderer().render(envelope)
    if not head.endswith(b"[]}"):
        raise AssertionError(f"the pagination envelope no longer ends with its results: {head[-40:]!r}")
    body = b"".join((head[:-3], b"[", ",".join(row[ROW] for row in page).encode(), b"]}"))
    return HttpResponse(body, content_type=JSONRenderer.media_type)


# The shapes ----------------------------------------------------------------------------------------------------

ITEM = "campaigns_contentitem"
VARIANT = "campaigns_variant"

VARIANT_FIELDS = {
    "id": number(f"{VARIANT}.id"),
    "item": number(f"{VARIANT}.item_id"),
    "platform": string(f"{VARIANT}.platform"),
    "language": string(f"{VARIANT}.language"),
    "text": string(f"{VARIANT}.text"),
    "link": string(f"{VARIANT}.link"),
    "first_comment": string(f"{VARIANT}.first_comment"),
    # As the serializer reads them: variant.media in MediaAsset's own order (newest first).
    "media": json_array(
        "m.id::text",
        f"FROM campaigns_variantmedia vm JOIN campaigns_mediaasset m ON m.id = vm.asset_id "
        f"WHERE vm.variant_id = {VARIANT}.id",
        "m.created_at DESC",
    ),
    "updated_at": stamp(f"{VARIANT}.updated_at"),
}


@cache
def item_shape() -> RowShape:
    from api.serializers.content import ItemSerializer

    variant = json_object(list(VARIANT_FIELDS.items()))
    source = json_object([("url", string("s.url")), ("title", string("s.title"))])
    return RowShape(
        ItemSerializer,
        {
            "id": number(f"{ITEM}.id"),
            "campaign": number(f"{ITEM}.campaign_id"),
            "kind": string(f"{ITEM}.kind"),
            "title": string(f"{ITEM}.title"),
            "brief": string(f"{ITEM}.brief"),
            "master_text": string(f"{ITEM}.master_text"),
            "planned_at": stamp(f"{ITEM}.planned_at"),
            "approval_expired_at": stamp(f"{ITEM}.approval_expired_at"),
            "state": string(f"{ITEM}.state"),
            "is_crisis": boolean(f"{ITEM}.is_crisis"),
            "is_health_advice": boolean(f"{ITEM}.is_health_advice"),
            "author": string(f"(SELECT u.username FROM auth_user u WHERE u.id = {ITEM}.author_id)"),
            "version": number(f"{ITEM}.version"),
            "created_at": stamp(f"{ITEM}.created_at"),
            "updated_at": stamp(f"{ITEM}.updated_at"),
            # The variant's own table name inside, so that VARIANT_FIELDS read the variant of each element.
            "variants": json_array(
                variant,
                f"FROM {VARIANT} WHERE {VARIANT}.item_id = {ITEM}.id",
                f"{VARIANT}.platform, {VARIANT}.language",
            ),
            "sources": json_array(source, f"FROM campaigns_source s WHERE s.item_id = {ITEM}.id", "s.id"),
        },
    )


PUBLICATION = "publishing_publication"


@cache
def publication_shape() -> RowShape:
    from api.serializers.publishing import PublicationSerializer

    metric = json_object(
        [
            ("id", number("m.id")),
            ("publication", number("m.publication_id")),
            ("slot", number("m.slot")),
            ("collected_at", stamp("m.collected_at")),
            *((name, number(f"m.{name}")) for name in (
                "impressions", "likes", "shares", "replies", "clicks", "video_views", "watch_time_s"
            )),
            ("is_latest", boolean("m.is_latest")),
        ]
    )  # fmt: skip
    return RowShape(
        PublicationSerializer,
        {
            "id": number(f"{PUBLICATION}.id"),
            "item": number(f"(SELECT v.item_id FROM campaigns_variant v WHERE v.id = {PUBLICATION}.variant_id)"),
            "variant": number(f"{PUBLICATION}.variant_id"),
            "account": number(f"{PUBLICATION}.account_id"),
            "state": string(f"{PUBLICATION}.state"),
            "scheduled_at": stamp(f"{PUBLICATION}.scheduled_at"),
            "latest_acceptable_at": stamp(f"{PUBLICATION}.latest_acceptable_at"),
            "published_at": stamp(f"{PUBLICATION}.published_at"),
            "attempts": number(f"{PUBLICATION}.attempts"),
            "next_attempt_at": stamp(f"{PUBLICATION}.next_attempt_at"),
            "remote_url": string(f"{PUBLICATION}.remote_url"),
            "last_error": string(f"{PUBLICATION}.last_error"),
            # One latest row at most (a unique constraint); the serializer takes the first in Metric's order.
            "latest_metrics": (
                f"coalesce((SELECT {metric} FROM publishing_metric m WHERE m.publication_id = {PUBLICATION}.id "
                f"AND m.is_latest ORDER BY m.publication_id, m.collected_at LIMIT 1), 'null')"
            ),
            "created_at": stamp(f"{PUBLICATION}.created_at"),
            "updated_at": stamp(f"{PUBLICATION}.updated_at"),
        },
    )


SHAPES = {"items": item_shape, "publications": publication_shape}
