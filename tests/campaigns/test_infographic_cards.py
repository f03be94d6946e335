"""Health cards: every platform's shape, readable colours, Arabic shaped and right to left, and the page that makes them."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont, features

from campaigns.cards import MIN_CONTRAST, SHAPES, CardText, CardTooLong, card_colours, contrast, draw_card
from campaigns.infographics import FONT_PATHS, font
from campaigns.models import MediaAsset
from tests import builders

ENGLISH = CardText("Flu vaccination protects those you love", "70%", "of people over 65 had their flu jab last winter.")
ARABIC = CardText("لقاح الإنفلونزا يحمي من تحب", "٧٠٪", "من الأشخاص فوق ٦٥ عامًا تلقوا اللقاح الشتاء الماضي")
WHITE = (255, 255, 255)

needs_arabic = pytest.mark.skipif(
    not features.check("raqm") or not isinstance(font(20, True), ImageFont.FreeTypeFont),
    reason="Arabic cards need Pillow with libraqm and the DejaVu fonts (fonts-dejavu-core)",
)


def card_image(text: CardText, shape: str = "square", language: str = "en", colour: str = "#1f7a8c") -> Image.Image:
    return Image.open(BytesIO(draw_card(text, colour, "Ministry of Health", shape, language=language))).convert("RGB")


def ink_runs(strip: Image.Image, ink: tuple[int, int, int] = WHITE) -> list[tuple[int, int]]:
    """The [start, end) column ranges holding ink, left to right: one per unjoined glyph group."""
    pixels, (width, height) = strip.load(), strip.size
    inked = [any(pixels[x, y] == ink for y in range(height)) for x in range(width)] + [False]
    runs, start = [], None
    for x, has_ink in enumerate(inked):
        if has_ink and start is None:
            start = x
        elif not has_ink and start is not None:
            runs.append((start, x))
            start = None
    return runs


def first_text_band(card: Image.Image, ink: tuple[int, int, int] = WHITE) -> Image.Image:
    """The card's first line of text from the top (the title), dots and marks included."""
    pixels = card.load()
    rows = [y for y in range(card.height) if any(pixels[x, y] == ink for x in range(card.width))]
    band = [rows[0]]
    for y in rows[1:]:
        if y - band[-1] > 20:  # the gap to the figure; gaps between a letter and its dots are smaller
            break
        band.append(y)
    return card.crop((0, band[0], card.width, band[-1] + 1))


def reads_laqah_right_to_left(strip: Image.Image) -> bool:
    """Whether "لقاح" is drawn shaped and right to left.

    Shaped, lam-qaf-alef join into one group and hah (after alef, which never joins forward) stands
    alone: two groups. Right to left, the joined group, holding the first letter, is the right one.
    """
    runs = ink_runs(strip)
    if len(runs) != 2:
        return False
    (left_start, left_end), (right_start, right_end) = runs
    return right_end - right_start > 1.5 * (left_end - left_start)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_each_shape_is_drawn_at_its_platform_size(shape):
    assert card_image(ENGLISH, shape).size == SHAPES[shape].size


def test_the_shapes_cover_every_ratio_the_platforms_ask_for():
    ratios = {key: shape.size[0] / shape.size[1] for key, shape in SHAPES.items()}
    assert ratios["square"] == 1 and ratios["portrait"] == 4 / 5 and ratios["wide"] == 16 / 9
    assert ratios["story"] == 9 / 16
    assert 1.9 <= ratios["landscape"] <= 1.91  # Instagram refuses anything wider than 1.91:1


def test_contrast_follows_the_wcag_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#1f7a8c", "#1f7a8c") == 1


@pytest.mark.parametrize("colour", ["#1f7a8c", "#f4d35e", "#ff8800", "#777777", "#e63946", "#000000", "#ffffff"])
def test_the_ink_on_any_campaign_colour_reaches_4_5_to_1(colour):
    background, ink = card_colours(colour)
    assert contrast(background, ink) >= MIN_CONTRAST
    pixels = card_image(ENGLISH, colour=colour).getcolors(maxcolors=1 << 16)
    assert max(pixels)[1] == Image.new("RGB", (1, 1), background).getpixel((0, 0))


def test_dark_colours_get_white_ink_and_light_ones_dark_ink():
    assert card_colours("#0b3d91")[1] == "#ffffff"
    assert card_colours("#f4d35e")[1] != "#ffffff"
    assert card_colours("#1f7a8c") == ("#1f7a8c", "#ffffff")  # readable already: left as the campaign chose it


def test_an_english_card_starts_its_text_at_the_left_margin():
    title = first_text_band(card_image(ENGLISH))
    runs = ink_runs(title)
    assert 75 <= runs[0][0] <= 90 and runs[-1][1] < 1080 - 80


@needs_arabic
def test_an_arabic_title_is_shaped_and_reads_right_to_left():
    title = first_text_band(card_image(CardText("لقاح", "٧٠٪", "لقاح الإنفلونزا"), language="ar"))
    assert reads_laqah_right_to_left(title)
    assert 1080 - 90 <= ink_runs(title)[-1][1] <= 1080 - 75  # right-aligned on the margin


@needs_arabic
def test_the_arabic_check_refuses_unshaped_or_left_to_right_text():
    basic = ImageFont.truetype(FONT_PATHS[True][0], 76, layout_engine=ImageFont.Layout.BASIC)
    unshaped = Image.new("RGB", (600, 120), "black")
    ImageDraw.Draw(unshaped).text((10, 10), "لقاح", font=basic, fill="white")
    assert not reads_laqah_right_to_left(unshaped)  # four separate letters, first one on the left

    shaped = first_text_band(card_image(CardText("لقاح", "1", "x"), language="ar"))
    assert not reads_laqah_right_to_left(shaped.transpose(Image.Transpose.FLIP_LEFT_RIGHT))


@needs_arabic
@pytest.mark.parametrize("shape", list(SHAPES))
def test_an_arabic_card_with_arabic_indic_digits_fits_every_shape(shape):
    assert card_image(ARABIC, shape, language="ar").size == SHAPES[shape].size


def test_text_too_long_for_the_card_names_the_part_to_shorten():
    with pytest.raises(CardTooLong) as refusal:
        draw_card(CardText("Wash your hands " * 30, "1", "x"), "#1f7a8c", "Org", "landscape")
    assert refusal.value.field == "title"


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def card_form(campaign, **changes):
    return {"campaign": campaign.pk, "language": "ar", "title": "لقاح الإنفلونزا", "figure": "٧٠٪",
            "line": "من كبار السن تلقوا اللقاح", "shapes": ["portrait", "story"]} | changes  # fmt: skip


@needs_arabic
def test_a_contributor_draws_cards_into_the_library(world):
    response = logged_in(world.contributor).post(reverse("card_new"), card_form(world.campaign))

    assert response.status_code == 302
    assets = MediaAsset.objects.filter(organisation=world.ministry).order_by("width", "height")
    assert [(a.width, a.height) for a in assets] == [(1080, 1350), (1080, 1920)]
    assert assets[0].title == "لقاح الإنفلونزا (4:5, ar)"
    assert assets[0].alt_text == {"ar": "لقاح الإنفلونزا: ٧٠٪. من كبار السن تلقوا اللقاح"}
    assert all(a.campaign == world.campaign and a.uploaded_by == world.contributor for a in assets)
    with assets[1].file.open("rb") as stored:
        assert Image.open(stored).size == (1080, 1920)


def test_the_page_offers_every_shape(world):
    response = logged_in(world.editor).get(reverse("card_new"), {"campaign": world.campaign.pk})
    assert response.status_code == 200
    assert all(f'value="{key}"' in response.content.decode() for key in SHAPES)


def test_a_card_without_a_title_is_refused_and_nothing_is_saved(world):
    response = logged_in(world.editor).post(reverse("card_new"), card_form(world.campaign, title="", language="en"))
    assert response.status_code == 400
    assert "title" in response.context["form"].errors
    assert not MediaAsset.objects.exists()


def test_a_language_the_campaign_is_not_written_in_is_refused(world):
    response = logged_in(world.editor).post(reverse("card_new"), card_form(world.campaign, language="de"))
    assert response.status_code == 400 and "language" in response.context["form"].errors
    assert not MediaAsset.objects.exists()


def test_another_organisations_campaign_is_refused(world):
    client = logged_in(world.editor)
    response = client.post(reverse("card_new"), card_form(world.clinic_campaign, language="en"))
    assert response.status_code == 400 and "campaign" in response.context["form"].errors
    assert client.get(reverse("card_new"), {"campaign": world.clinic_campaign.pk}).status_code == 404
    assert not MediaAsset.objects.exists()


def test_text_that_does_not_fit_the_card_is_refused_on_its_field(world):
    response = logged_in(world.editor).post(
        reverse("card_new"), card_form(world.campaign, title="W" * 90, language="en")
    )
    assert response.status_code == 400
    assert "too long for the" in response.context["form"].errors["title"][0]
    assert not MediaAsset.objects.exists()


def test_someone_of_no_organisation_cannot_make_cards(db):
    stranger = builders.get_user_model().objects.create_user(username="sam.stranger")
    assert logged_in(stranger).get(reverse("card_new")).status_code == 403


# Logos.

MAGENTA = (255, 0, 255)


def logo(colour: tuple[int, int, int] = MAGENTA, size: tuple[int, int] = (400, 200)) -> Image.Image:
    image = Image.new("RGBA", size, (0, 0, 0, 0))  # transparent around the mark: the white plate shows through
    ImageDraw.Draw(image).ellipse((0, 0, size[0] - 1, size[1] - 1), fill=(*colour, 255))
    return image


def columns_of(card: Image.Image, colour: tuple[int, int, int]) -> tuple[int, int]:
    """The leftmost and rightmost columns of the card's foot (its last 12 %) holding `colour`."""
    foot = card.crop((0, round(card.height * 0.88), card.width, card.height))
    pixels = foot.load()
    found = [x for x in range(foot.width) for y in range(0, foot.height, 2) if pixels[x, y] == colour]
    return (min(found), max(found)) if found else (-1, -1)


def test_a_logo_is_drawn_in_the_foot_at_the_end_the_text_does_not_start_from():
    drawn = draw_card(ENGLISH, "#1f7a8c", "Ministry of Health", "square", logo=logo())
    card = Image.open(BytesIO(drawn)).convert("RGB")

    left, right = columns_of(card, MAGENTA)
    assert left > card.width // 2 and right < card.width - 40  # on the right, inside the margin
    assert columns_of(card, WHITE)[0] < card.width // 3  # the wordmark still starts on the left
    assert columns_of(card_image(ENGLISH), MAGENTA) == (-1, -1)


@needs_arabic
def test_an_arabic_cards_logo_is_on_the_left():
    drawn = draw_card(ARABIC, "#1f7a8c", "وزارة الصحة", "landscape", language="ar", logo=logo())
    card = Image.open(BytesIO(drawn)).convert("RGB")

    left, right = columns_of(card, MAGENTA)
    assert left > 40 and right < card.width // 2


@needs_arabic
def test_the_cards_page_draws_the_campaigns_logo_else_the_organisations(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaigns.media import add_to_library

    def library_logo(colour, name):
        out = BytesIO()
        logo(colour).save(out, "PNG")
        upload = SimpleUploadedFile(f"{name}.png", out.getvalue(), content_type="image/png")
        return add_to_library(world.ministry, upload, name, {"en": name}, world.manager)

    green = (0, 160, 0)
    world.ministry.logo = library_logo(green, "ministry")
    world.ministry.save(update_fields=["logo"])
    client = logged_in(world.contributor)

    client.post(reverse("card_new"), card_form(world.campaign, shapes=["square"]))
    world.campaign.logo = library_logo(MAGENTA, "campaign")
    world.campaign.save(update_fields=["logo"])
    client.post(reverse("card_new"), card_form(world.campaign, shapes=["square"], title="بطاقة ثانية"))

    first, second = MediaAsset.objects.filter(campaign=world.campaign).exclude(pk=world.campaign.logo.pk).order_by("pk")
    for asset, colour in ((first, green), (second, MAGENTA)):
        with asset.file.open("rb") as stored:
            assert columns_of(Image.open(stored).convert("RGB"), colour) != (-1, -1)


def test_a_logo_from_another_organisation_or_a_video_is_refused(world):
    from django.core.exceptions import ValidationError

    world.campaign.logo = builders.make_media(world.clinic, "Clinic logo")
    with pytest.raises(ValidationError) as refused:
        world.campaign.full_clean()
    assert "this organisation's library" in str(refused.value.message_dict["logo"])

    world.ministry.logo = builders.make_media(world.ministry, "Clip", kind=MediaAsset.Kind.VIDEO, checksum="clip")
    with pytest.raises(ValidationError) as refused:
        world.ministry.full_clean()
    assert "still image" in str(refused.value.message_dict["logo"])
