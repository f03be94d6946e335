"""API fixtures: a client per persona with a token of its own, and organisation B with a row of every model."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from analytics.models import CampaignTarget
from api import webhooks
from api.models import WebhookDelivery, WebhookEvent
from api.tokens import issue_token
from campaigns.models import Comment, Notification, VariantMedia
from publishing.models import Freeze, Metric
from tests import builders


def client_with_token(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


@pytest.fixture(autouse=True)
def public_dns(dns: dict[str, str]) -> dict[str, str]:
    """The webhooks' hosts (`hooks.example`) resolve to a public address: they may be registered."""
    return dns


@pytest.fixture
def api_as(world) -> Callable[[str], APIClient]:
    """`api_as("editor")`: an API client with a fresh token of that persona."""

    def make(persona: str) -> APIClient:
        _, secret = issue_token(getattr(world, persona), f"{persona}'s test token")
        return client_with_token(secret)

    return make


def give_rows(world, organisation, variant, account, person) -> None:
    """One row of every model the API shows, in `organisation`."""
    media = builders.make_media(organisation, title=f"{organisation.name} card", alt_text={"en": "Hands under a tap"})
    VariantMedia.objects.create(variant=variant, asset=media)
    publication = builders.make_publication(
        variant,
        account,
        state="published",
        published_at=timezone.now(),
        remote_id=f"remote-{variant.pk}",
        remote_url=f"https://social.example/{variant.pk}",
    )
    Metric.objects.create(
        publication=publication, slot=0, collected_at=timezone.now(), impressions=100, likes=5, is_latest=True
    )
    Comment.objects.create(item=variant.item, author=person, body=f"A comment in {organisation.name}")
    campaign = variant.item.campaign
    CampaignTarget.objects.create(campaign=campaign, measure="reach", target=1000)
    CampaignTarget.objects.create(campaign=campaign, measure="outcome", target=500, label="Donors registered")
    # Lifted: an active pause would hold the organisation's publishing in every test that uses these rows.
    Freeze.objects.create(organisation=organisation, campaign=campaign, reason="A rumour, checked", started_by=person,
                          lifted_at=timezone.now(), lifted_by=person)  # fmt: skip
    Notification.objects.create(recipient=person, item=variant.item, kind="mentioned", message="You were mentioned")
    admin = organisation.memberships.get(role="admin").user
    hook, _ = webhooks.create_webhook(
        organisation, admin, f"https://hooks.example/{organisation.pk}", list(WebhookEvent)
    )
    WebhookDelivery.objects.create(
        webhook=hook, event=WebhookEvent.ITEM_APPROVED, payload={}, attempts=6, gave_up_at=timezone.now()
    )


@pytest.fixture
def both_full(world):
    """Organisations A and B, each with a row of every model the API shows."""
    give_rows(world, world.ministry, world.variant, world.account, world.editor)
    give_rows(world, world.clinic, world.clinic_variant, world.clinic_account, world.outsider)
    return world
