"""The workflow's permission matrix (tests/campaigns/test_workflow.py), repeated through the API's actions.

Allowed: 200 (201 for schedule) and the item in the transition's target state. Refused: 403 or 409 with the
workflow's code. Another organisation's item: 404, whoever asks. Either way a refusal changes nothing.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.workflow import TRANSITIONS
from tests.campaigns.test_workflow import ALLOWED, PERSONAS, SOURCE_STATE, matrix_case

# The engine alone marks an item published: the API has no such action. Scheduling also needs an approved
# version and accounts: its permissions are tested with those in test_writes.py.
API_ACTIONS = sorted(set(ALLOWED) - {"mark_published", "schedule"})


def test_mark_published_is_not_an_api_action(world, api_as):
    response = api_as("admin").post(f"/api/items/{world.item.pk}/mark-published/", {}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("action", API_ACTIONS)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("organisation", ["own", "other"])
def test_permission_matrix_through_the_api(world, api_as, action, persona, organisation):
    item, expected = matrix_case(world, action, persona, organisation)
    url = reverse(f"api:item-{action.replace('_', '-')}", args=[item.pk])

    response = api_as(persona).post(url, {"comment": "Please cite the WHO page."}, format="json")

    item.refresh_from_db()
    if expected:
        assert response.status_code in (200, 201), response.json()
        assert item.state == TRANSITIONS[action].target
    else:
        refusals = {404} if organisation == "other" else {403, 409}
        assert response.status_code in refusals, response.json()
        assert item.state == SOURCE_STATE[action]
        assert response.json()["errors"][0]["code"] in ("not_found", "forbidden", "wrong_state", "own_item")
