"""A token of organisation A gets 404 for every object of organisation B, by every route and every method.

The route table below names every API route that takes an object; `test_every_object_route_is_covered`
fails when a new route is added without an entry here.
"""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from analytics.models import CampaignTarget
from api.models import Webhook
from campaigns.models import Campaign, Comment, ContentItem, MediaAsset, Membership, Notification, Organisation, Variant
from publishing.models import Freeze, Metric, Publication, SocialAccount

OBJECT_ROUTES: dict[str, type[Model]] = {
    "organisation-detail": Organisation,
    "organisation-pause": Organisation,
    "organisation-resume": Organisation,
    "member-detail": Membership,
    "campaign-detail": Campaign,
    "campaign-report": Campaign,
    "campaign-pause": Campaign,
    "campaign-resume": Campaign,
    "campaign-cards": Campaign,
    "item-detail": ContentItem,
    "item-submit": ContentItem,
    "item-approve": ContentItem,
    "item-request-changes": ContentItem,
    "item-rework": ContentItem,
    "item-return-to-review": ContentItem,
    "item-unschedule": ContentItem,
    "item-archive": ContentItem,
    "item-schedule": ContentItem,
    "item-add-variant": ContentItem,
    "item-sources": ContentItem,
    "item-checks": ContentItem,
    "variant-detail": Variant,
    "variant-attach": Variant,
    "variant-detach": Variant,
    "variant-alt-text": Variant,
    "media-detail": MediaAsset,
    "media-used-in": MediaAsset,
    "account-detail": SocialAccount,
    "account-pause": SocialAccount,
    "account-resume": SocialAccount,
    "account-disconnect": SocialAccount,
    "publication-detail": Publication,
    "publication-reschedule": Publication,
    "publication-retry-now": Publication,
    "publication-confirm-published": Publication,
    "publication-metrics": Publication,
    "comment-detail": Comment,
    "notification-detail": Notification,
    "metric-detail": Metric,
    "target-detail": CampaignTarget,
    "freeze-detail": Freeze,
    "freeze-lift": Freeze,
    "webhook-detail": Webhook,
    "webhook-deliveries": Webhook,
    "webhook-redeliver": Webhook,
}
METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]
PERSONAS = ["contributor", "editor", "manager", "admin"]


def api_patterns() -> list[tuple[str, URLPattern]]:
    """Every named pattern of the `api` namespace, with its name."""
    api = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api")
    found: list[tuple[str, URLPattern]] = []

    def walk(patterns: list) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif pattern.name:
                found.append((pattern.name, pattern))

    walk(api.url_patterns)
    return found


def takes_an_object(pattern: URLPattern) -> bool:
    return bool(getattr(pattern.pattern, "converters", None) or pattern.pattern.regex.groupindex)


def objects_of_b(world, model: type[Model]) -> list[Model]:
    if model is Notification:
        return list(Notification.objects.filter(recipient=world.outsider))
    own = model.objects.for_user(world.admin).values("pk")
    return list(model.objects.for_user(world.outsider).exclude(pk__in=own))


def test_every_object_route_is_covered():
    assert {name for name, pattern in api_patterns() if takes_an_object(pattern)} == set(OBJECT_ROUTES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_object_of_another_organisation_is_not_found_by_any_method(both_full, api_as, persona):
    world = both_full
    client = api_as(persona)
    before = {model: list(model.objects.order_by("pk").values()) for model in set(OBJECT_ROUTES.values())}
    checked: set[str] = set()
    for name, model in OBJECT_ROUTES.items():
        for obj in objects_of_b(world, model):
            url = reverse(f"api:{name}", kwargs={"pk": obj.pk})
            allowed = set(resolve(url).func.actions)  # OPTIONS is not served: 405
            if "get" in allowed:
                allowed.add("head")
            for method in METHODS:
                response = getattr(client, method)(url, {}, format="json")
                expected = 404 if method in allowed else 405
                assert response.status_code == expected, (name, method, response.status_code)
                if method != "head":
                    code = response.json()["errors"][0]["code"]
                    assert code == ("not_found" if expected == 404 else "method_not_allowed"), (name, method)
            checked.add(name)
    assert checked == set(OBJECT_ROUTES)  # every route was tried with an object of the other organisation
    after = {model: list(model.objects.order_by("pk").values()) for model in set(OBJECT_ROUTES.values())}
    assert after == before  # nothing of either organisation changed


def test_a_comment_cannot_be_written_on_another_organisations_item(world, api_as):
    response = api_as("editor").post(
        reverse("api:comment-list"), {"item": world.clinic_item.pk, "body": "Hello"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "item"
    assert response.json()["errors"][0]["code"] == "does_not_exist"
    assert not Comment.objects.filter(item=world.clinic_item).exists()
