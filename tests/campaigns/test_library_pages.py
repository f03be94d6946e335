"""The library pages: the grid with its search and filters, uploads, and an asset's detail page."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from campaigns.library_selectors import ASSETS_PER_PAGE
from campaigns.models import MediaAsset, Rendition, VariantMedia
from tests import builders


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png(name: str = "flu-card.png", colour: str = "#1f7a8c", size: tuple[int, int] = (120, 150)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def titles(response) -> list[str]:
    return [asset.title for asset in response.context["page"].object_list]


@pytest.fixture
def library(world):
    """Three assets of the ministry: one described and used, one tagged in a campaign, one video."""
    card = builders.make_media(
        world.ministry, "Flu card", alt_text={"en": "A nurse gives a jab", "fr": "Une infirmière"}
    )
    VariantMedia.objects.create(variant=world.variant, asset=card)
    poster = builders.make_media(
        world.ministry, "Vaccine poster", campaign=world.campaign, tags=["nurse", "pharmacy"], alt_text={"en": ""}
    )
    video = builders.make_media(world.ministry, "Clinic tour", kind=MediaAsset.Kind.VIDEO, poster="posters/tour.jpg")
    builders.make_media(world.clinic, "Hand washing")
    return card, poster, video


def test_the_grid_shows_the_organisations_assets_and_counts_them(library, world):
    response = logged_in(world.contributor).get(reverse("library"))

    assert response.status_code == 200
    assert titles(response) == ["Clinic tour", "Vaccine poster", "Flu card"]
    assert "Hand washing" not in response.text
    assert "3 images and videos" in response.text


def test_thumbnails_are_the_library_rendition_else_the_poster_else_the_original(library, world):
    _, poster, _ = library
    Rendition.objects.create(asset=poster, purpose="library", shape="square", file="renditions/thumb.webp",
                             mime_type="image/webp", width=320, height=320, size_bytes=900, focal_x=.5, focal_y=.5)  # fmt: skip

    response = logged_in(world.editor).get(reverse("library"))

    assert 'src="/media/renditions/thumb.webp" alt="" loading="lazy"' in response.text
    assert 'src="/media/posters/tour.jpg"' in response.text
    assert 'src="/media/media/card.png" alt="" loading="lazy"' in response.text


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"q": "poster"}, ["Vaccine poster"]),
        ({"q": "flu vacc"}, ["Vaccine poster"]),  # the campaign's name
        ({"q": "pharmacy"}, ["Vaccine poster"]),  # a tag
        ({"kind": "video"}, ["Clinic tour"]),
        ({"usage": "used"}, ["Flu card"]),
        ({"usage": "unused"}, ["Clinic tour", "Vaccine poster"]),
        ({"language": "fr"}, ["Flu card"]),  # present, unless asked for missing
        ({"language": "en", "alt": "missing"}, ["Clinic tour", "Vaccine poster"]),  # an empty text is missing
    ],
)
def test_the_grid_is_searched_and_filtered(library, world, query, expected):
    response = logged_in(world.editor).get(reverse("library"), query)

    assert titles(response) == expected
    assert f"{len(expected)} of 3 match" in response.text


def test_the_grid_is_filtered_by_campaign(library, world):
    response = logged_in(world.editor).get(reverse("library"), {"campaign": world.campaign.pk})

    assert titles(response) == ["Vaccine poster"]


def test_htmx_filters_answer_with_the_results_only(library, world):
    response = logged_in(world.editor).get(
        reverse("library"), {"kind": "video"}, headers={"HX-Request": "true", "HX-Target": "library-results"}
    )

    assert response.templates[0].name == "campaigns/_library_results.html"
    assert "Clinic tour" in response.text and "Add to the library" not in response.text


def test_the_grid_is_paginated(world):
    for n in range(ASSETS_PER_PAGE + 2):
        builders.make_media(world.ministry, f"Card {n:02}")
    client = logged_in(world.editor)

    first, second = client.get(reverse("library")), client.get(reverse("library"), {"page": 2})

    assert len(first.context["page"].object_list) == ASSETS_PER_PAGE
    assert len(second.context["page"].object_list) == 2
    assert "Page 1 of 2" in first.text and "?page=2" in first.text


def test_an_empty_library_says_so(world):
    response = logged_in(world.editor).get(reverse("library"))

    assert "The library is empty" in response.text


@pytest.mark.parametrize("tag, query", [("تطعيم", "تطعيم"), ("Impfung-für-alle", "für"), ("Вакцина", "Вакцина")])
def test_a_tag_in_any_alphabet_is_found(library, world, tag, query):
    builders.make_media(world.ministry, "Campaign photo", tags=[tag, "nurse"], checksum=f"photo-{tag}")

    response = logged_in(world.editor).get(reverse("library"), {"q": query})

    assert titles(response) == ["Campaign photo"]


def test_a_search_that_matches_nothing_says_so(library, world):
    response = logged_in(world.editor).get(reverse("library"), {"q": "measles"})

    assert "Nothing matches" in response.text


def test_the_main_navigation_links_to_the_library(world):
    response = logged_in(world.manager).get(reverse("home"))

    assert f'href="{reverse("library")}"' in response.text


def test_a_contributor_uploads_several_images_titled_by_their_file_names(world):
    files = [png("flu_card_2026.png"), png("nurse.png", colour="#ff0000")]

    response = logged_in(world.contributor).post(
        reverse("library_upload"), {"organisation": world.ministry.pk, "file": files}
    )

    assert response.status_code == 302
    assets = MediaAsset.objects.filter(organisation=world.ministry)
    assert sorted(assets.values_list("title", flat=True)) == ["flu card 2026", "nurse"]
    assert set(assets.values_list("width", "height", "uploaded_by")) == {(120, 150, world.contributor.pk)}


def test_the_drop_zone_gets_the_new_tile(world):
    response = logged_in(world.editor).post(
        reverse("library_upload"), {"organisation": world.ministry.pk, "title": "Jab card", "file": png()},
        headers={"HX-Request": "true"},
    )  # fmt: skip

    asset = MediaAsset.objects.get(title="Jab card")
    assert response.status_code == 201
    assert f'data-asset="{asset.pk}"' in response.text
    assert "1 image or video" in response.text  # the page's count, made again


def test_an_html_file_named_png_is_refused_with_the_rule_and_nothing_saved(world):
    fake = SimpleUploadedFile("card.png", b"<!doctype html><script>alert(1)</script>", content_type="image/png")
    client = logged_in(world.editor)

    page = client.post(reverse("library_upload"), {"organisation": world.ministry.pk, "file": fake})
    fake.seek(0)
    fragment = client.post(
        reverse("library_upload"), {"organisation": world.ministry.pk, "file": fake}, headers={"HX-Request": "true"}
    )

    assert page.status_code == 400 and fragment.status_code == 400
    assert "card.png" in page.text and "a web page (SVG, HTML), not a picture" in page.text
    assert "data-refused" in fragment.text and "a web page (SVG, HTML), not a picture" in fragment.text
    assert not MediaAsset.objects.exists()


def test_an_upload_to_another_organisations_library_is_refused(world):
    response = logged_in(world.editor).post(reverse("library_upload"), {"organisation": world.clinic.pk, "file": png()})

    assert response.status_code == 400
    assert not MediaAsset.objects.exists()


def describe(asset: MediaAsset, **fields: object) -> dict[str, object]:
    form = {"title": asset.title, "tags": "", "campaign": "", "focal_x": "0.5", "focal_y": "0.5"}
    return form | fields


def test_the_detail_page_saves_alt_text_tags_campaign_and_focal_point(library, world):
    card, _, _ = library
    form = describe(card, title="Flu card 2026", tags="flu, nurse, flu", campaign=world.campaign.pk,
                    focal_x="0.25", focal_y="0.8", alt_en="A nurse gives a jab", alt_ar="ممرضة تعطي لقاحًا", alt_fr="")  # fmt: skip

    response = logged_in(world.contributor).post(reverse("asset_detail", args=[card.pk]), form)

    card.refresh_from_db()
    assert response.status_code == 302
    assert card.title == "Flu card 2026"
    assert card.tags == ["flu", "nurse"]
    assert card.campaign == world.campaign
    assert (card.focal_x, card.focal_y) == (0.25, 0.8)
    assert card.alt_text == {"en": "A nurse gives a jab", "ar": "ممرضة تعطي لقاحًا"}


def test_the_detail_page_lays_arabic_alt_text_out_right_to_left(library, world):
    card, _, _ = library

    response = logged_in(world.editor).get(reverse("asset_detail", args=[card.pk]))

    assert 'lang="ar" dir="rtl"' in response.text
    assert 'lang="fr" dir="ltr"' in response.text


@pytest.mark.parametrize("field, value", [("focal_x", "1.5"), ("focal_y", "-0.1")])
def test_a_focal_point_off_the_image_is_refused_on_its_field(library, world, field, value):
    card, _, _ = library

    response = logged_in(world.editor).post(
        reverse("asset_detail", args=[card.pk]), describe(card, title="Renamed", **{field: value})
    )

    card.refresh_from_db()
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert "less than or equal to 1" in response.text or "greater than or equal to 0" in response.text
    assert (card.title, card.focal_x, card.focal_y) == ("Flu card", 0.5, 0.5)  # nothing half-saved


def test_a_campaign_of_another_organisation_is_refused(library, world):
    card, _, _ = library

    response = logged_in(world.editor).post(
        reverse("asset_detail", args=[card.pk]), describe(card, title="Renamed", campaign=world.clinic_campaign.pk)
    )

    card.refresh_from_db()
    assert response.status_code == 400
    assert "campaign" in response.context["form"].errors
    assert (card.title, card.campaign) == ("Flu card", None)


def test_the_detail_page_shows_facts_usage_and_history(library, world):
    card, _, _ = library
    client = logged_in(world.editor)
    client.post(reverse("asset_detail", args=[card.pk]), describe(card, tags="flu", alt_en="A nurse"))

    response = client.get(reverse("asset_detail", args=[card.pk]))

    assert "1080 × 1350 px" in response.text
    assert f'href="{reverse("item_detail", args=[world.item.pk])}"' in response.text
    assert world.item.title in response.text
    history = response.context["history"]
    assert history[0].who == world.editor
    assert set(history[0].fields) == {"alt text", "tags"}
    assert history[0].what == "Edited in the library"


def test_a_moved_focal_point_has_the_renditions_made_again_after_commit(
    library, world, django_capture_on_commit_callbacks
):
    card, _, _ = library

    with django_capture_on_commit_callbacks() as moved:
        logged_in(world.editor).post(reverse("asset_detail", args=[card.pk]), describe(card, focal_x="0.1", alt_en="x"))
    with django_capture_on_commit_callbacks() as kept:
        logged_in(world.editor).post(reverse("asset_detail", args=[card.pk]), describe(card, focal_x="0.1", alt_en="y"))

    assert (len(moved), len(kept)) == (1, 0)  # campaigns.tasks.make_renditions, handed to a worker after the commit


def test_the_video_page_plays_it_with_its_poster(library, world):
    _, _, video = library

    response = logged_in(world.editor).get(reverse("asset_detail", args=[video.pk]))

    assert '<video controls preload="metadata" poster="/media/posters/tour.jpg"' in response.text


def test_an_asset_of_another_organisation_answers_not_found(library, world):
    hidden = MediaAsset.objects.get(title="Hand washing")

    response = logged_in(world.editor).get(reverse("asset_detail", args=[hidden.pk]))

    assert response.status_code == 404
