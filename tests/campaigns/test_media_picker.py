"""The editor's library picker: search the organisation's library and attach an image by clicking its tile."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.library_selectors import PICKS_PER_PAGE
from campaigns.models import MediaAsset, Rendition, VariantMedia
from tests import builders


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def picker_url(world) -> str:
    return reverse("media_picker", args=[world.item.pk, world.variant.pk])


def titles(response) -> list[str]:
    return [asset.title for asset in response.context["page"].object_list]


@pytest.fixture
def library(world):
    """Another campaign's newer photo, this campaign's older card (attached), a video, and the clinic's image."""
    other = builders.make_campaign(world.ministry, "Heat wave")
    card = builders.make_media(world.ministry, "Flu card", campaign=world.campaign, alt_text={"en": "A nurse"})
    VariantMedia.objects.create(variant=world.variant, asset=card)
    photo = builders.make_media(world.ministry, "Heat photo", campaign=other, tags=["sun"], checksum="heat")
    video = builders.make_media(world.ministry, "Clinic tour", kind=MediaAsset.Kind.VIDEO, checksum="tour")
    builders.make_media(world.clinic, "Hand washing", checksum="hands")
    return card, photo, video


def test_the_editor_offers_the_picker_instead_of_listing_the_whole_library(library, world):
    response = logged_in(world.editor).get(reverse("item_edit", args=[world.item.pk]))

    assert f'hx-get="{picker_url(world)}"' in response.text
    assert f'href="{picker_url(world)}"' in response.text  # without JavaScript, a page of its own
    assert "<option" not in response.text.split('class="media-edit"')[1].split("</details>")[0]


def test_the_picker_shows_this_campaigns_assets_first_and_marks_those_attached(library, world):
    card, _, _ = library
    response = logged_in(world.editor).get(picker_url(world))

    assert response.status_code == 200
    assert titles(response) == ["Flu card", "Clinic tour", "Heat photo"]
    assert "Hand washing" not in response.text
    assert f'name="asset" value="{card.pk}" disabled' in response.text
    assert "this campaign" in response.text


def test_the_picker_is_searched_by_title_campaign_or_tag_and_narrowed_by_kind(library, world):
    client = logged_in(world.editor)

    assert titles(client.get(picker_url(world), {"q": "heat"})) == ["Heat photo"]
    assert titles(client.get(picker_url(world), {"q": "sun"})) == ["Heat photo"]
    assert titles(client.get(picker_url(world), {"kind": "video"})) == ["Clinic tour"]
    nothing = client.get(picker_url(world), {"q": "measles"})
    assert "Nothing matches" in nothing.text


def test_htmx_gets_the_picker_alone(library, world):
    response = logged_in(world.editor).get(picker_url(world), headers={"HX-Request": "true"})

    assert response.text.lstrip().startswith('<div class="picker"')
    assert "<html" not in response.text


def test_a_tile_attaches_its_asset_to_the_variant(library, world):
    _, photo, _ = library
    client = logged_in(world.editor)

    response = client.post(
        reverse("variant_media", args=[world.item.pk, world.variant.pk]),
        {"version": world.item.version, "asset": photo.pk},
    )

    assert response.status_code == 302
    assert list(world.variant.media.order_by("title").values_list("title", flat=True)) == ["Flu card", "Heat photo"]


def test_an_empty_library_says_what_to_do(world):
    response = logged_in(world.editor).get(picker_url(world))

    assert "The library is empty" in response.text
    assert f'href="{reverse("library")}"' in response.text


def test_the_picker_is_paged_and_reads_few_queries_whatever_the_library_holds(world, django_assert_max_num_queries):
    client = logged_in(world.editor)
    for n in range(PICKS_PER_PAGE + 5):
        asset = builders.make_media(world.ministry, f"Card {n:02}", checksum=f"card-{n}")
        Rendition.objects.create(asset=asset, purpose="library", shape="thumbnail", file=f"renditions/{n}.jpg",
                                 mime_type="image/jpeg", width=320, height=320, size_bytes=9, focal_x=.5, focal_y=.5)  # fmt: skip

    with django_assert_max_num_queries(12):
        first = client.get(picker_url(world))
    second = client.get(picker_url(world), {"page": 2})

    assert len(titles(first)) == PICKS_PER_PAGE and len(titles(second)) == 5
    assert 'src="/media/renditions/0.jpg"' in second.text or 'src="/media/renditions/0.jpg"' in first.text
    assert "Page 1 of 2" in first.text


def test_someone_of_another_organisation_cannot_open_the_picker(library, world):
    assert logged_in(world.outsider).get(picker_url(world)).status_code == 404
