"""Pauses listed and lifted one by one, and an item's pre-publish checks, through the API as on the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import Variant
from publishing import freezes
from publishing.models import Freeze


def test_pauses_are_listed_newest_first_and_filtered_by_whether_they_are_on(world, api_as):
    lifted = freezes.start_freeze(world.ministry, world.manager, "A rumour")
    freezes.lift_freeze(lifted, world.manager)
    on = freezes.start_freeze(world.ministry, world.manager, "A recall", campaign=world.campaign)
    client = api_as("contributor")

    every = client.get(reverse("api:freeze-list")).json()["results"]
    active = client.get(reverse("api:freeze-list"), {"active": "true"}).json()["results"]

    assert [row["id"] for row in every] == [on.pk, lifted.pk]
    assert [(row["id"], row["campaign"], row["reason"]) for row in active] == [(on.pk, world.campaign.pk, "A recall")]


@pytest.mark.parametrize(("persona", "allowed"), [("contributor", False), ("editor", False), ("manager", True),
                                                   ("admin", True)])  # fmt: skip
def test_managers_and_admins_lift_one_pause(world, api_as, persona, allowed):
    campaign_pause = freezes.start_freeze(world.ministry, world.manager, "A recall", campaign=world.campaign)
    account_pause = freezes.start_freeze(world.ministry, world.manager, "Token leak", account=world.account)

    response = api_as(persona).post(reverse("api:freeze-lift", args=[campaign_pause.pk]), format="json")
    again = api_as(persona).post(reverse("api:freeze-lift", args=[campaign_pause.pk]), format="json")

    campaign_pause.refresh_from_db()
    account_pause.refresh_from_db()
    assert account_pause.lifted_at is None
    if allowed:
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["lifted"]] == [campaign_pause.pk]
        assert campaign_pause.lifted_at is not None
        assert again.status_code == 409 and again.json()["errors"][0]["code"] == "wrong_state"
    else:
        assert response.status_code == 403 and campaign_pause.lifted_at is None


def test_the_checks_of_an_item_are_those_its_page_shows(world, api_as):
    Variant.objects.filter(pk=world.variant.pk).update(text="x" * 600)

    response = api_as("contributor").get(reverse("api:item-checks", args=[world.item.pk]))

    assert response.status_code == 200
    problems = response.json()
    too_long = [p for p in problems if p["variant"] == world.variant.pk and p["severity"] == "error"]
    assert too_long and all(p["field"] and p["rule"] and p["message"] for p in problems)


def test_the_checks_of_another_organisations_item_are_not_found(world, api_as):
    assert api_as("admin").get(reverse("api:item-checks", args=[world.clinic_item.pk])).status_code == 404
    assert not Freeze.objects.exists()
