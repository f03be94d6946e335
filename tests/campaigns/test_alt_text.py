"""Alt text quality: empty, file names and placeholder words are refused; short alt text on a drawn card and an
infographic's alt text without figures are warned; the same rules in the checks and the forms."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from campaigns import alt_text
from campaigns.checks import ERROR, WARNING, check_variant
from campaigns.editor_forms import AltTextForm, UploadMediaForm
from campaigns.library_forms import AssetForm
from campaigns.models import ContentItem, VariantMedia
from tests import builders

pytestmark = pytest.mark.django_db


def rules(text: str, **context: object) -> list[str]:
    return [finding.rule for finding in alt_text.judge(text, **context)]


@pytest.mark.parametrize(
    "text", ["IMG_2041.jpg", "poster-final.png", "DSC0042", "flu_card_v2", "Screenshot 2026-11-02"]
)
def test_a_file_name_is_refused(text):
    assert rules(text) == [alt_text.FILE_NAME]


@pytest.mark.parametrize(
    "text",
    [
        "image",
        "Photo",
        "a picture",
        "The graphic.",
        "infographic 2",
        "image de",
        "Photo de",
        "صورة",
        "رسم",
        "une image",
    ],
)
def test_a_placeholder_word_is_refused(text):
    assert rules(text) == [alt_text.PLACEHOLDER]


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_alt_text_is_refused(text):
    assert rules(text) == [alt_text.EMPTY]


@pytest.mark.parametrize(
    "text",
    ["A nurse gives a flu jab.", "COVID-19", "Une infirmière vaccine un homme âgé.", "ممرضة تعطي لقاح الإنفلونزا"],
)
def test_a_description_passes(text):
    assert rules(text) == []


def test_alt_text_much_shorter_than_the_cards_text_is_warned_and_asks_for_the_figures():
    card = "Flu vaccination protects: 70%. Of people over 65 had their jab last winter."

    found = alt_text.judge("A flu card.", image_text=card)

    assert [(f.rule, f.is_error) for f in found] == [(alt_text.TOO_SHORT, False), (alt_text.FIGURES, False)]
    assert "65" in found[1].message and "70" in found[1].message


def test_figures_in_arabic_indic_digits_count_as_given():
    assert rules("التطعيم يحمي ٧٠٪ من الناس فوق 65 عاما", image_text="يحمي 70% فوق ٦٥") == []


def test_an_infographic_alt_text_without_figures_is_warned():
    assert rules("A chart about flu vaccination.", infographic=True) == [alt_text.FIGURES]
    assert rules("7 in 10 people over 65 had their flu jab.", infographic=True) == []


def attach(variant, asset) -> None:
    VariantMedia.objects.create(variant=variant, asset=asset, position=0)


def test_the_checks_refuse_a_file_name_as_alt_text_naming_the_asset(world):
    attach(world.variant, builders.make_media(world.ministry, "Vaccination card", alt_text={"en": "IMG_2041.jpg"}))

    (problem,) = [p for p in check_variant(world.variant) if p.field == "alt_text"]

    assert (problem.rule, problem.severity) == (alt_text.FILE_NAME, ERROR)
    assert "Vaccination card" in problem.message


def test_the_checks_warn_when_a_drawn_cards_alt_text_is_cut_short(world):
    world.item.kind = ContentItem.Kind.INFOGRAPHIC
    world.item.save(update_fields=["kind"])
    drawn = "Flu vaccination protects: 70%. Of people over 65 had their jab last winter."
    attach(
        world.variant,
        builders.make_media(world.ministry, "Card", alt_text={"en": "Flu card"}, image_text={"en": drawn}),
    )

    found = {(p.rule, p.severity) for p in check_variant(world.variant) if p.field == "alt_text"}

    assert found == {(alt_text.TOO_SHORT, WARNING), (alt_text.FIGURES, WARNING)}


def test_the_editor_forms_refuse_bad_alt_text_naming_the_field():
    upload = UploadMediaForm({"title": "Card", "alt_text": "photo"})
    described = AltTextForm({"asset": 1, "alt_text": "poster-final.png"})
    left_for_later = AltTextForm({"asset": 1, "alt_text": ""})

    assert not upload.is_valid() and "alt_text" in upload.errors
    assert not described.is_valid() and "file name" in described.errors["alt_text"][0]
    assert left_for_later.is_valid()  # no alt text yet: the checks block approval until it is written


def test_the_library_form_refuses_a_placeholder_in_any_language(world):
    asset = builders.make_media(world.ministry, "Card")
    data = {"title": "Card", "tags": "", "focal_x": 0.5, "focal_y": 0.5, "alt_en": "A nurse", "alt_ar": "صورة"}

    form = AssetForm(data, asset=asset)

    assert not form.is_valid()
    assert set(form.errors) == {"alt_ar"}


def test_setting_a_placeholder_alt_text_through_the_editor_is_a_400_and_saves_nothing(world):
    asset = builders.make_media(world.ministry, "Card", alt_text={"en": "A nurse gives a flu jab."})
    attach(world.variant, asset)
    client = Client()
    client.force_login(world.editor)

    response = client.post(
        reverse("variant_media", args=[world.item.pk, world.variant.pk]),
        {"version": world.item.version, "asset": asset.pk, "alt_text": "image"},
    )

    assert response.status_code == 400
    asset.refresh_from_db()
    assert asset.alt_text == {"en": "A nurse gives a flu jab."}
