"""One error body for every refusal, and bad input is never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse


def single_error(response) -> dict:
    body = response.json()
    assert set(body) == {"errors"} and body["errors"]
    assert all(set(error) == {"field", "code", "message"} for error in body["errors"])
    return body["errors"][0]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/items/999999/", 404, "not_found"),
        ("/api/items/not-a-number/", 404, "not_found"),
        ("/api/items/1.5/", 404, "not_found"),  # matches no route: Django's 404, not DRF's
        ("/api/items/?cursor=garbage", 404, "not_found"),
        ("/api/items/?campaign=abc", 400, "invalid"),
        # Beyond the database's integers: these were a 500 (OverflowError on SQLite).
        ("/api/comments/?item=-5.3e%2B236", 400, "invalid"),
        (f"/api/publications/?account={2**64}", 400, "max_value"),
        ("/api/items/?planned_after=yesterday", 400, "invalid"),
        ("/api/items/?state=nonsense", 400, "invalid_choice"),
        ("/api/items/?page_size=lots", 200, None),
        ("/api/items/?ordering=no_such_field", 200, None),
    ],
)
def test_bad_query_input_gets_a_4xx_with_the_error_body(world, api_as, url, status, code):
    response = api_as("editor").get(url)

    assert response.status_code == status
    if code:
        assert single_error(response)["code"] == code


def test_a_wrong_method_is_405(world, api_as):
    response = api_as("editor").delete(reverse("api:item-detail", args=[world.item.pk]))

    assert response.status_code == 405
    assert single_error(response) == {
        "field": None,
        "code": "method_not_allowed",
        "message": 'Method "DELETE" not allowed.',
    }


def test_a_body_that_is_not_json_is_400(world, api_as):
    response = api_as("editor").post(
        reverse("api:item-submit", args=[world.item.pk]), "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert single_error(response)["code"] == "parse_error"


def test_validation_errors_name_their_field(world, api_as):
    response = api_as("editor").post(reverse("api:comment-list"), {"item": "x", "body": ""}, format="json")

    assert response.status_code == 400
    fields = {error["field"]: error["code"] for error in response.json()["errors"]}
    assert fields == {"item": "incorrect_type", "body": "blank"}


def test_an_error_inside_a_nested_field_names_that_field(world, api_as):
    response = api_as("editor").post(
        reverse("api:item-schedule", args=[world.item.pk]), {"when": "soon", "targets": "all"}, format="json"
    )

    assert response.status_code == 400
    assert {(e["field"], e["code"]) for e in response.json()["errors"]} == {
        ("when", "invalid"),
        ("targets", "not_a_list"),
    }


def test_a_language_the_campaign_does_not_use_is_refused_by_the_models_validation(world, api_as):
    body = {"campaign": world.campaign.pk, "title": "x", "platforms": ["mastodon"], "languages": ["de"]}

    response = api_as("editor").post(reverse("api:item-list"), body, format="json")

    assert response.status_code == 400
    assert "The campaign does not use de" in str(response.json()["errors"])
