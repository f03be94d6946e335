"""Campaign targets through the API: what the report page does, with the same rules (analytics/targets.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import CampaignTarget
from publishing.models import Metric
from tests import builders

LIST = reverse("api:target-list")


def detail(target: CampaignTarget) -> str:
    return reverse("api:target-detail", args=[target.pk])


def test_a_manager_sets_an_outcome_target_enters_its_figure_and_removes_it(world, api_as):
    client = api_as("manager")
    body = {"campaign": world.campaign.pk, "measure": "outcome", "target": 5000, "label": "Blood donors registered"}

    created = client.post(LIST, body, format="json")
    target = CampaignTarget.objects.get()
    entered = client.patch(detail(target), {"achieved": 3120}, format="json")
    removed = client.delete(detail(target))

    assert created.status_code == 201, created.json()
    assert (created.json()["progress"]["achieved"], created.json()["progress"]["status"]) == (None, "unknown")
    assert entered.status_code == 200
    shown = entered.json()
    assert (shown["achieved"], shown["updated_by"], shown["progress"]["percent"]) == (3120, "mona.manager", 62)
    assert removed.status_code == 204 and not CampaignTarget.objects.exists()
    assert CampaignTarget.history.filter(id=target.pk).count() == 3  # added, entered, removed


def test_progress_is_read_from_the_metrics_as_the_report_reads_it(world, api_as):
    CampaignTarget.objects.create(campaign=world.campaign, measure="reach", target=2000)
    CampaignTarget.objects.create(campaign=world.campaign, measure="items", target=1)
    publication = builders.make_publication(
        world.variant, world.account, state="published", published_at=timezone.now(), remote_id="r1"
    )
    Metric.objects.create(publication=publication, slot=0, collected_at=timezone.now(), impressions=1000,
                          is_latest=True)  # fmt: skip

    rows = api_as("contributor").get(LIST, {"campaign": world.campaign.pk}).json()["results"]

    progress = {row["measure"]: row["progress"] for row in rows}
    assert (progress["reach"]["achieved"], progress["reach"]["percent"]) == (1000, 50)
    assert progress["items"]["status"] == "reached"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"measure": "outcome", "target": 100}, "label", "Name the outcome"),
        ({"measure": "reach", "target": 0}, "target", "above zero"),
        ({"measure": "reach", "target": 10, "platform": "x"}, "platform", "posts published"),
        ({"measure": "reach", "target": 10, "achieved": 3}, "achieved", "by hand"),
        ({"measure": "reach", "target": 10, "label": "Donors"}, "label", "Only an outcome"),
        ({"measure": "wishes", "target": 10}, "measure", "valid choice"),
    ],
)
def test_a_target_that_makes_no_sense_is_refused_naming_its_field(world, api_as, body, field, words):
    response = api_as("manager").post(LIST, {"campaign": world.campaign.pk, **body}, format="json")

    assert response.status_code == 400
    [refusal] = response.json()["errors"]
    assert refusal["field"] == field and words in refusal["message"]
    assert not CampaignTarget.objects.exists()


def test_only_an_outcome_takes_a_figure_by_hand(world, api_as):
    reach = CampaignTarget.objects.create(campaign=world.campaign, measure="reach", target=10)

    response = api_as("manager").patch(detail(reach), {"achieved": 5}, format="json")

    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "achieved"
    reach.refresh_from_db()
    assert reach.achieved is None


@pytest.mark.parametrize("persona", ["contributor", "editor", "manager", "admin"])
def test_every_member_sees_targets_but_only_managers_and_admins_change_them(world, api_as, persona):
    outcome = CampaignTarget.objects.create(campaign=world.campaign, measure="outcome", target=10, label="Donors")
    client = api_as(persona)
    allowed = persona in ("manager", "admin")

    listed = client.get(LIST)
    added = client.post(LIST, {"campaign": world.campaign.pk, "measure": "reach", "target": 9}, format="json")
    entered = client.patch(detail(outcome), {"achieved": 4}, format="json")
    removed = client.delete(detail(outcome))

    assert [row["id"] for row in listed.json()["results"]] == [outcome.pk]
    statuses = (added.status_code, entered.status_code, removed.status_code)
    assert statuses == ((201, 200, 204) if allowed else (403, 403, 403))
    if not allowed:
        assert added.json()["errors"][0]["code"] == "permission_denied"
        assert list(CampaignTarget.objects.values_list("pk", "achieved")) == [(outcome.pk, None)]


def test_a_target_cannot_be_set_on_another_organisations_campaign(world, api_as):
    response = api_as("admin").post(
        LIST, {"campaign": world.clinic_campaign.pk, "measure": "reach", "target": 9}, format="json"
    )

    assert response.status_code == 400
    assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == (
        "campaign",
        "does_not_exist",
    )
    assert not CampaignTarget.objects.exists()
