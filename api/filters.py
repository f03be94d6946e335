"""Filters. Related objects are filtered by id as a number, never by a choice of every row in the table:
a choice field would answer "not a valid choice" for a wrong id and "no rows" for another organisation's,
telling the two apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import forms
from django.db.models import QuerySet
from django_filters import rest_framework as filters

from analytics.models import CampaignTarget
from campaigns.models import Campaign, Comment, ContentItem, MediaAsset, Membership, Notification, Variant
from publishing.models import Freeze, Metric, Publication, SocialAccount

if TYPE_CHECKING:  # DRF imports the filter backends while its generic views are being defined
    from rest_framework.request import Request
    from rest_framework.views import APIView

# The largest value of a BigAutoField (DEFAULT_AUTO_FIELD), on every database we run on.
LARGEST_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    """A related row's id: a whole number the database can compare (a larger one would overflow: a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", -LARGEST_ID - 1)
        kwargs.setdefault("max_value", LARGEST_ID)
        super().__init__(*args, **kwargs)


class FilterSet(filters.FilterSet):
    """django-filter's, with its form class built once per filter set: django-filter builds a new class on
    every request (about a millisecond of a list's time). The filters are the same on every request, and each
    form deepcopies its class's fields, so one class serves them all."""

    def get_form_class(self) -> type[forms.Form]:
        owner = type(self)
        form_class = owner.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            owner._form_class = form_class
        return form_class


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, skipped when the query names none of the filters: every filter would get an
    empty value and leave the rows as they are (none is required), after building a filter set and its form."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: APIView) -> QuerySet:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = filterset_class.base_filters
        # A filter of several inputs (a range) is asked as `name_min`, `name_after`…: those count too.
        if not any(param in names or _prefixed(param, names) for param in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _prefixed(param: str, names: Iterable[str]) -> bool:
    return any(param.startswith(f"{name}_") for name in names)


class CampaignFilter(FilterSet):
    organisation = IdFilter(field_name="organisation_id")
    active_on = filters.DateFilter(method="filter_active_on", label="Running on this date")

    class Meta:
        model = Campaign
        fields = ["organisation", "priority"]

    def filter_active_on(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(start_date__lte=value).exclude(end_date__lt=value)


class MemberFilter(FilterSet):
    organisation = IdFilter(field_name="organisation_id")

    class Meta:
        model = Membership
        fields = ["organisation", "role"]


class ItemFilter(FilterSet):
    campaign = IdFilter(field_name="campaign_id")
    planned_after = filters.IsoDateTimeFilter(field_name="planned_at", lookup_expr="gte")
    planned_before = filters.IsoDateTimeFilter(field_name="planned_at", lookup_expr="lt")

    class Meta:
        model = ContentItem
        fields = ["campaign", "state", "kind", "is_crisis"]


class VariantFilter(FilterSet):
    item = IdFilter(field_name="item_id")

    class Meta:
        model = Variant
        fields = ["item", "platform", "language"]


class MediaFilter(FilterSet):
    campaign = IdFilter(field_name="campaign_id")

    class Meta:
        model = MediaAsset
        fields = ["campaign", "kind"]


class AccountFilter(FilterSet):
    class Meta:
        model = SocialAccount
        fields = ["platform", "is_active"]


class PublicationFilter(FilterSet):
    item = IdFilter(field_name="variant__item_id")
    campaign = IdFilter(field_name="variant__item__campaign_id")
    account = IdFilter(field_name="account_id")
    scheduled_after = filters.IsoDateTimeFilter(field_name="scheduled_at", lookup_expr="gte")
    scheduled_before = filters.IsoDateTimeFilter(field_name="scheduled_at", lookup_expr="lt")

    class Meta:
        model = Publication
        fields = ["item", "campaign", "account", "state"]


class CommentFilter(FilterSet):
    item = IdFilter(field_name="item_id")

    class Meta:
        model = Comment
        fields = ["item"]


class NotificationFilter(FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="Unread only")

    class Meta:
        model = Notification
        fields = ["kind", "unread"]


class MetricFilter(FilterSet):
    publication = IdFilter(field_name="publication_id")

    class Meta:
        model = Metric
        fields = ["publication", "is_latest"]


class TargetFilter(filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id")

    class Meta:
        model = CampaignTarget
        fields = ["campaign", "measure"]


class FreezeFilter(filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")
    campaign = IdFilter(field_name="campaign_id")
    account = IdFilter(field_name="account_id")
    active = filters.BooleanFilter(field_name="lifted_at", lookup_expr="isnull", label="Not lifted yet")

    class Meta:
        model = Freeze
        fields = ["organisation", "campaign", "account", "active"]
