"""Reads of the myth register, scoped to what the user may see: the list, one myth, its responses and how they did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.shortcuts import get_object_or_404

from campaigns.models import Campaign, ContentItem, Myth, MythResponse, Organisation
from campaigns.myths import REGISTER_ROLES
from publishing import engagement
from publishing.models import Publication

MYTHS_PER_PAGE = 25


def myths_for_user(user: AbstractBaseUser, status: str = "", q: str = "") -> QuerySet[Myth]:
    """The register of the user's organisations, newest first, with how many responses each has had published."""
    published = Q(responses__item__state=ContentItem.State.PUBLISHED)
    myths = (
        Myth.objects.for_user(user)
        .select_related("organisation")
        .annotate(response_count=Count("responses", distinct=True),
                  published_count=Count("responses", filter=published, distinct=True))
    )  # fmt: skip
    if status:
        myths = myths.filter(status=status)
    if q:
        myths = myths.filter(claim__icontains=q)
    return myths.order_by("-first_seen", "-pk")


def register_page(user: AbstractBaseUser, status: str, q: str, page: Any) -> Page:
    return Paginator(myths_for_user(user, status, q), MYTHS_PER_PAGE).get_page(page)


def myth_for_user(user: AbstractBaseUser, pk: int) -> Myth:
    """One myth the user may see, or 404."""
    return get_object_or_404(Myth.objects.for_user(user).select_related("organisation", "created_by"), pk=pk)


def organisations_managed_by(user: AbstractBaseUser) -> QuerySet[Organisation]:
    """The organisations whose register `user` keeps."""
    return Organisation.objects.for_user(user, roles=None if user.is_superuser else REGISTER_ROLES).order_by("name")


def campaigns_to_answer_in(myth: Myth) -> QuerySet[Campaign]:
    """The campaigns of the myth's organisation, current and future ones first."""
    return Campaign.objects.for_organisation(myth.organisation).order_by("-start_date", "name")


@dataclass
class Response:
    """One item that answered the myth, with its publications and their latest collected figures."""

    response: MythResponse
    publications: list[Publication] = field(default_factory=list)

    @property
    def item(self) -> ContentItem:
        return self.response.item

    @property
    def engagement(self) -> int:
        return sum(p.engagement_total for p in self.publications if p.collected_at is not None)

    @property
    def impressions(self) -> int:
        return sum(p.impressions or 0 for p in self.publications if p.collected_at is not None)

    @property
    def has_figures(self) -> bool:
        return any(p.collected_at is not None for p in self.publications)


def responses_of(myth: Myth) -> list[Response]:
    """The myth's responses, newest first, each with its publications (and their latest figures); two queries."""
    responses = {r.item_id: Response(r) for r in myth.responses.select_related("item__campaign", "created_by")}
    publications = (
        Publication.objects.filter(variant__item_id__in=list(responses))
        .select_related("variant", "account")
        .annotate(latest=FilteredRelation("metrics", condition=Q(metrics__is_latest=True)))
        .annotate(
            engagement_total=engagement.engagement(), impressions=F("latest__impressions"),
            likes=F("latest__likes"), shares=F("latest__shares"), replies=F("latest__replies"),
            collected_at=F("latest__collected_at"),
        )
        .order_by("scheduled_at", "pk")
    )  # fmt: skip
    for publication in publications:
        responses[publication.variant.item_id].publications.append(publication)
    return list(responses.values())


def status_history(myth: Myth) -> list[dict[str, Any]]:
    """Each change of the myth's status, oldest first: when it was recorded, answered, seen again."""
    changes, previous = [], None
    for record in myth.history.order_by("history_date", "history_id").select_related("history_user"):
        if record.status != previous:
            label = Myth.Status(record.status).label if record.status in Myth.Status.values else record.status
            changes.append({"at": record.history_date, "who": record.history_user, "status": label})
            previous = record.status
    return changes
