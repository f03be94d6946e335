"""The item and publication lists on databases other than PostgreSQL: rows read as values, not model instances.

The serializers' fields still write every value (`to_representation`), so the JSON is theirs; what is saved is
building model instances, their prefetch caches and the serializer's attribute lookups for every row. Each
list makes as many queries as through the serializers (the page, then one per nested list), whatever the
page size. tests/api/test_fast_lists.py checks the bytes against the serializers'.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import cache
from typing import Any

from django.db.models import QuerySet
from rest_framework.fields import Field
from rest_framework.generics import GenericAPIView
from rest_framework.relations import PrimaryKeyRelatedField
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from campaigns.models import Source, Variant, VariantMedia
from publishing.models import Metric


def shown(field: Field, value: Any) -> Any:
    """`value` as the serializer's field writes it (None stays None, as DRF leaves it; a related row's id is
    written as it is, as a primary-key field writes the row it names)."""
    if value is None:
        return None
    if isinstance(field, PrimaryKeyRelatedField) and field.pk_field is None:
        return value
    return field.to_representation(value)


def written(fields: dict[str, Field], columns: dict[str, str], row: dict[str, Any], **nested: Any) -> dict[str, Any]:
    """The serializer's dict for one row of values, in the serializer's order: `columns` names the value of
    each field, `nested` gives the nested lists already written."""
    return {
        name: nested[name] if name in nested else shown(field, row[columns[name]]) for name, field in fields.items()
    }


def check(serializer: Serializer, columns: dict[str, str], nested: tuple[str, ...] = ()) -> None:
    """The columns and the nested lists name the serializer's fields, in its order."""
    names = [name for name in serializer.fields if name not in nested]
    if list(columns) != names:
        raise AssertionError(f"{type(serializer).__name__}: the values name {list(columns)}, the serializer {names}")


@cache
def _serializers() -> dict[str, Serializer]:
    # Built once: a ModelSerializer's fields cost about a millisecond to build from the model.
    from api.serializers.content import ItemSerializer
    from api.serializers.publishing import MetricSerializer, PublicationSerializer

    return {"item": ItemSerializer(), "metric": MetricSerializer(), "publication": PublicationSerializer()}


PLAIN = ("kind", "title", "brief", "master_text", "planned_at", "approval_expired_at", "state", "is_crisis",
         "is_health_advice")  # fmt: skip
ITEM_COLUMNS = {
    "id": "id", "campaign": "campaign_id", **{name: name for name in PLAIN}, "author": "author__username",
    "version": "version", "created_at": "created_at", "updated_at": "updated_at",
}  # fmt: skip
VARIANT_COLUMNS = {
    "id": "id", "item": "item_id", "platform": "platform", "language": "language", "text": "text", "link": "link",
    "first_comment": "first_comment", "updated_at": "updated_at",
}  # fmt: skip
SOURCE_COLUMNS = {"url": "url", "title": "title"}
PUBLICATION_COLUMNS = {
    "id": "id", "item": "variant__item_id", "variant": "variant_id", "account": "account_id", "state": "state",
    "scheduled_at": "scheduled_at", "latest_acceptable_at": "latest_acceptable_at", "published_at": "published_at",
    "attempts": "attempts", "next_attempt_at": "next_attempt_at", "remote_url": "remote_url",
    "last_error": "last_error", "created_at": "created_at", "updated_at": "updated_at",
}  # fmt: skip
METRIC_COLUMNS = {
    "id": "id", "publication": "publication_id", "slot": "slot", "collected_at": "collected_at",
    **{name: name for name in ("impressions", "likes", "shares", "replies", "clicks", "video_views", "watch_time_s")},
    "is_latest": "is_latest",
}  # fmt: skip


def check_all() -> None:
    serializers = _serializers()
    item = serializers["item"]
    check(item, ITEM_COLUMNS, nested=("variants", "sources"))
    check(item.fields["variants"].child, VARIANT_COLUMNS, nested=("media",))
    check(item.fields["sources"].child, SOURCE_COLUMNS)
    check(serializers["publication"], PUBLICATION_COLUMNS, nested=("latest_metrics",))
    check(serializers["metric"], METRIC_COLUMNS)


def item_rows(page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fields = _serializers()["item"].fields
    variant_fields, source_fields = fields["variants"].child.fields, fields["sources"].child.fields
    ids = [row["id"] for row in page]
    # In the serializers' orders: variants by platform and language, media newest first, sources as entered.
    variant_rows = list(Variant.objects.filter(item_id__in=ids).order_by("platform", "language")
                        .values(*VARIANT_COLUMNS.values()))  # fmt: skip
    media = defaultdict(list)
    attached = VariantMedia.objects.filter(variant_id__in=[v["id"] for v in variant_rows])
    for variant_id, asset_id in attached.order_by("-asset__created_at").values_list("variant_id", "asset_id"):
        media[variant_id].append(asset_id)
    variants, sources = defaultdict(list), defaultdict(list)
    for row in variant_rows:
        variants[row["item_id"]].append(written(variant_fields, VARIANT_COLUMNS, row, media=media[row["id"]]))
    for row in Source.objects.filter(item_id__in=ids).order_by("pk").values("item_id", *SOURCE_COLUMNS.values()):
        sources[row["item_id"]].append(written(source_fields, SOURCE_COLUMNS, row))
    return [
        written(fields, ITEM_COLUMNS, row, variants=variants[row["id"]], sources=sources[row["id"]]) for row in page
    ]


def publication_rows(page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    serializers = _serializers()
    fields, metric_fields = serializers["publication"].fields, serializers["metric"].fields
    latest: dict[int, dict[str, Any]] = {}
    metrics = Metric.objects.filter(publication_id__in=[row["id"] for row in page], is_latest=True)
    for row in metrics.order_by("publication", "collected_at").values(*METRIC_COLUMNS.values()):
        latest.setdefault(row["publication_id"], written(metric_fields, METRIC_COLUMNS, row))
    return [written(fields, PUBLICATION_COLUMNS, row, latest_metrics=latest.get(row["id"])) for row in page]


LISTS: dict[str, tuple[dict[str, str], Callable[[list[dict[str, Any]]], list[dict[str, Any]]]]] = {
    "items": (ITEM_COLUMNS, item_rows),
    "publications": (PUBLICATION_COLUMNS, publication_rows),
}


def list_response(view: GenericAPIView, name: str, queryset: QuerySet) -> Response:
    """The list page of `queryset` (the view's scoped rows, before filters) built from values."""
    columns, build = LISTS[name]
    queryset = view.filter_queryset(queryset).select_related(None).prefetch_related(None)
    page = view.paginate_queryset(queryset.values(*columns.values()))
    return view.get_paginated_response(build(page))
