"""Health cards made through the API (the card page's rules, through campaigns/card_making.py), and an asset's uses."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from api.serializers.media import MediaSerializer
from api.tokens import issue_token
from campaigns.card_making import CARD_TAG
from campaigns.models import MediaAsset, VariantMedia
from tests import builders
from tests.api.conftest import client_with_token

PERSONAS = ["contributor", "editor", "manager", "admin"]


def card(**changes: object) -> dict:
    return {"language": "en", "title": "Flu vaccination protects", "figure": "70%",
            "line": "of people over 65 had their jab.", "shapes": ["square"]} | changes  # fmt: skip


def cards_url(campaign) -> str:
    return reverse("api:campaign-cards", args=[campaign.pk])


def the_error(response) -> tuple[str, str]:
    first = response.json()["errors"][0]
    return first["field"], first["code"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_member_role_makes_cards_like_the_page_does(world, api_as, persona):
    response = api_as(persona).post(cards_url(world.campaign), card(shapes=["square", "wide"]), format="json")

    assert response.status_code == 201, response.json()
    made = response.json()
    assert [(m["width"], m["height"]) for m in made] == [(1080, 1080), (1600, 900)]
    assert set(made[0]) == set(MediaSerializer.Meta.fields)
    assert made[0]["title"] == "Flu vaccination protects (1:1, en)"
    assert made[0]["alt_text"] == {"en": "Flu vaccination protects: 70%. of people over 65 had their jab."}
    assets = MediaAsset.objects.filter(pk__in=[m["id"] for m in made])
    assert {(a.campaign, a.uploaded_by, CARD_TAG in a.tags) for a in assets} == {
        (world.campaign, getattr(world, persona), True)
    }


def test_every_shape_is_drawn_when_none_is_named(world, api_as):
    body = card()
    del body["shapes"]
    response = api_as("contributor").post(cards_url(world.campaign), body, format="json")
    assert response.status_code == 201
    assert len(response.json()) == 5


def test_the_same_shape_twice_makes_one_card(world, api_as):
    response = api_as("editor").post(cards_url(world.campaign), card(shapes=["story", "story"]), format="json")
    assert response.status_code == 201 and len(response.json()) == 1


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"language": "de"}, "language", "not_a_campaign_language"),
        ({"title": "   "}, "title", "blank"),
        ({"figure": "1234567890123"}, "figure", "max_length"),
        ({"shapes": []}, "shapes", "min_length"),
        ({"shapes": ["banner"]}, "shapes.0", "invalid_choice"),
        ({"language": "xx"}, "language", "invalid_choice"),
    ],
)
def test_a_card_against_a_rule_is_refused_naming_the_field_and_nothing_is_saved(world, api_as, changes, field, code):
    response = api_as("editor").post(cards_url(world.campaign), card(**changes), format="json")

    assert response.status_code == 400
    assert the_error(response) == (field, code)
    assert not MediaAsset.objects.exists()


def test_text_that_does_not_fit_the_card_names_the_part_to_shorten(world, api_as):
    response = api_as("editor").post(cards_url(world.campaign), card(title="W" * 90), format="json")

    assert response.status_code == 400
    assert the_error(response) == ("title", "too_long_for_card")
    assert not MediaAsset.objects.exists()


def test_the_page_refuses_the_same_language_with_the_same_message(world, api_as):
    from django.test import Client

    api = api_as("editor").post(cards_url(world.campaign), card(language="de"), format="json")
    page = Client()
    page.force_login(world.editor)
    form = page.post(reverse("card_new"), card(language="de", campaign=world.campaign.pk)).context["form"]

    assert form.errors["language"] == [api.json()["errors"][0]["message"]]


def test_the_service_holds_the_rules_for_any_caller(world):
    from django.core.exceptions import ValidationError

    from campaigns.card_making import make_cards
    from campaigns.cards import CardText

    with pytest.raises(ValidationError) as refused:
        make_cards(world.campaign, world.editor, "de", CardText(" ", "1234567890123", "x"), ["banner"])

    codes = {field: [e.code for e in errors] for field, errors in refused.value.error_dict.items()}
    assert codes == {
        "title": ["required"], "figure": ["max_length"], "shapes": ["invalid_choice"],
        "language": ["not_a_campaign_language"],
    }  # fmt: skip
    assert not MediaAsset.objects.exists()


def test_someone_of_no_organisation_finds_no_campaign(world):
    stranger = get_user_model().objects.create_user(username="sam.stranger")
    _, secret = issue_token(stranger, "stranger's token")
    response = client_with_token(secret).post(cards_url(world.campaign), card(), format="json")
    assert response.status_code == 404
    assert not MediaAsset.objects.exists()


def test_cards_are_made_with_a_token_only(world):
    from rest_framework.test import APIClient

    assert APIClient().post(cards_url(world.campaign), card(), format="json").status_code == 401


# Where an asset is used.


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_member_role_reads_where_an_asset_is_used_as_its_page_lists_it(world, api_as, persona):
    asset = builders.make_media(world.ministry, "Hands under a tap")
    VariantMedia.objects.create(variant=world.variant, asset=asset)

    response = api_as(persona).get(reverse("api:media-used-in", args=[asset.pk]))

    assert response.status_code == 200
    item = world.variant.item
    assert response.json() == [{
        "variant": world.variant.pk, "position": 0, "item": item.pk, "item_title": item.title,
        "platform": world.variant.platform, "language": world.variant.language,
        "campaign": item.campaign_id, "campaign_name": item.campaign.name,
    }]  # fmt: skip


def test_an_asset_no_variant_uses_is_used_nowhere(world, api_as):
    asset = builders.make_media(world.ministry, "Unused")
    response = api_as("contributor").get(reverse("api:media-used-in", args=[asset.pk]))
    assert response.status_code == 200 and response.json() == []
