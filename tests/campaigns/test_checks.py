"""Pre-publish checks: limits, media, personal data, alt text, sources and hashtags."""

import pytest

from campaigns.checks import ERROR, WARNING, Problem, check_item, check_text, check_variant, has_errors
from campaigns.models import ContentItem, Source, VariantMedia
from tests import builders

CLEAN = "Flu season is here. Book your free vaccine today. #FluVaccine"
HOTLINE = "Questions? Call our free hotline 0 800 130 000, 24/7. #FluVaccine"


def rules_of(problems: list[Problem]) -> list[str]:
    return [problem.rule for problem in problems]


def attach(variant, *assets) -> None:
    for position, asset in enumerate(assets):
        VariantMedia.objects.create(variant=variant, asset=asset, position=position)


# check_text: length, bytes and characters


def test_a_clean_text_has_no_problems():
    assert check_text("x", CLEAN) == []


def test_too_long_a_text_says_how_the_platform_counts_it_and_by_how_much():
    (problem,) = check_text("x", "a" * 291)

    assert problem == Problem("text", "length", "X counts 291 of 280 characters: 11 too many.", ERROR)


def test_large_numbers_are_grouped_in_messages():
    (problem,) = check_text("facebook", "a" * 63_207)

    assert problem.message == "Facebook counts 63,207 of 63,206 characters: 1 too many."


def test_bluesky_refuses_more_than_3000_bytes_even_under_300_graphemes():
    (problem,) = check_text("bluesky", "👨\u200d👩\u200d👧\u200d👦" * 121)

    assert problem.rule == "byte_length"
    assert problem.message == "Bluesky takes at most 3,000 bytes; this text has 3,025: 25 too many."


def test_youtube_refuses_angle_brackets_in_the_description():
    (problem,) = check_text("youtube", "Dose <2 ml> for children", ["video"])

    assert (problem.field, problem.rule, problem.severity) == ("text", "refused_characters", ERROR)
    assert problem.message == "YouTube refuses these characters in the text: < >."


def test_an_empty_post_without_media_is_an_error():
    assert rules_of(check_text("mastodon", "  ")) == ["empty"]


def test_an_image_without_text_is_a_post():
    assert check_text("mastodon", "", ["image"]) == []


def test_instagram_refuses_more_hashtags_than_its_cap(settings):
    thirty = " ".join(f"#tag{n}" for n in range(30))

    assert check_text("instagram", thirty, ["image"]) == []
    assert rules_of(check_text("instagram", thirty + " #one_more", ["image"])) == ["hashtag_count"]

    settings.PLATFORM_RULES = {"instagram": {"max_hashtags": 5}}
    (problem,) = check_text("instagram", thirty, ["image"])
    assert problem.message == "Instagram takes at most 5 hashtags; this text has 30."


# check_text: media


def test_x_takes_four_images_but_not_five():
    assert check_text("x", CLEAN, ["image"] * 4) == []

    (problem,) = check_text("x", CLEAN, ["image"] * 5)
    assert (problem.field, problem.rule) == ("media", "media_count")
    assert problem.message == "X takes at most 4 images; this post has 5."


def test_x_does_not_mix_images_and_video():
    (problem,) = check_text("x", CLEAN, ["image", "video"])

    assert problem == Problem("media", "media_mixed", "X does not take images and videos in the same post.", ERROR)


def test_on_x_an_animated_gif_takes_the_single_video_slot():
    assert rules_of(check_text("x", CLEAN, ["gif", "image"])) == ["media_mixed"]
    assert rules_of(check_text("x", CLEAN, ["gif", "gif"])) == ["media_count"]


def test_mastodon_refuses_a_video_beside_an_image_but_takes_a_gif_beside_one():
    assert rules_of(check_text("mastodon", CLEAN, ["image", "video"])) == ["media_mixed"]
    assert check_text("mastodon", CLEAN, ["image", "gif"]) == []


def test_an_instagram_carousel_may_mix_images_and_videos_up_to_ten_items():
    assert check_text("instagram", CLEAN, ["image"] * 5 + ["video"] * 5) == []

    (problem,) = check_text("instagram", CLEAN, ["image"] * 6 + ["video"] * 5)
    assert problem.message == "Instagram takes at most 10 media items; this post has 11."


def test_instagram_needs_an_image_or_a_video():
    (problem,) = check_text("instagram", CLEAN)

    assert problem == Problem("media", "media_required", "Instagram needs an image or a video.", ERROR)


def test_youtube_needs_a_video_and_takes_no_images():
    assert check_text("youtube", CLEAN, ["video"]) == []
    assert [p.message for p in check_text("youtube", CLEAN, ["image"])] == [
        "YouTube needs a video.",
        "YouTube takes no images.",
    ]


# check_text: personal data


def test_a_hotline_number_is_a_warning_not_an_error():
    problems = check_text("x", HOTLINE)

    assert [(p.field, p.rule, p.severity) for p in problems] == [("text", "contact_details", WARNING)]
    assert "0 800 130 000" in problems[0].message
    assert not has_errors(problems)


def test_a_contact_address_is_a_warning_quoting_it():
    (problem,) = check_text("mastodon", "Write to contact@sante.gov.ma #FluVaccine")

    assert problem.severity == WARNING
    assert problem.message == (
        "Check this e-mail address: “contact@sante.gov.ma”. Keep it only if it is an official contact."
    )


def test_a_mastodon_handle_is_not_taken_for_an_email_address():
    assert check_text("mastodon", "Follow @health@mastodon.social for updates") == []


def test_a_number_written_twice_or_found_for_several_regions_is_reported_once():
    problems = check_text("facebook", "Call +33 1 23 45 67 89. Again: +33 1 23 45 67 89; or +212 522 12 34 56.")

    assert [p.message.split("“")[1].split("”")[0] for p in problems] == ["+33 1 23 45 67 89", "+212 522 12 34 56"]


def test_a_medical_record_number_is_an_error_quoting_it():
    problems = check_text("x", "Thanks to our donor, MRN 12345678, for the story")

    assert problems == [
        Problem(
            "text",
            "patient_data",
            "This looks like a patient's medical record number: “MRN 12345678”. Remove it before publishing.",
            ERROR,
        )
    ]
    assert has_errors(problems)


@pytest.mark.parametrize(
    "fragment",
    [
        "patient no. 123456",
        "patient ID: 445566",
        "ID: 1234567890",
        "CIN AB123456",
        "CIN: J123456",
        "n° de dossier 456789",
        "رقم الملف الطبي 123456",
        "1 85 05 78 006 084 91",  # a French NIR with a valid key
        "2 85 05 2A 006 084 82",  # born in Corse-du-Sud
    ],
)
def test_patient_identifiers_are_errors(fragment):
    problems = check_text("facebook", f"Story shared with consent ({fragment}).")

    assert [(p.rule, p.severity) for p in problems] == [("patient_data", ERROR)]
    assert f"“{fragment}”" in problems[0].message


@pytest.mark.parametrize(
    "text",
    [
        "Reference AB123456 of the leaflet",  # a CIN only after the word CIN
        "Journée du patient 2026",
        "Order 185057800608436 is on its way",  # 15 digits whose NIR key does not match
        "Covid: 1234567 doses given this year",
    ],
)
def test_look_alikes_are_not_patient_data(text):
    assert [p for p in check_text("facebook", text) if p.rule == "patient_data"] == []


# check_variant


def test_the_worlds_variant_passes(world):
    assert check_variant(world.variant) == []


def test_missing_arabic_alt_text_on_an_arabic_variant_is_an_error_naming_the_asset(world):
    variant = builders.make_variant(world.item, language="ar", text="الإنفلونزا موسمية. #FluVaccine")
    card = builders.make_media(world.ministry, "Vaccination card", alt_text={"en": "A nurse gives a flu jab."})
    attach(variant, card)

    problems = check_variant(variant)

    assert problems == [
        Problem("alt_text", "alt_text_missing", "“Vaccination card” has no alt text in Arabic.", ERROR, variant.pk)
    ]


def test_alt_text_in_the_variants_language_satisfies_the_check(world):
    card = builders.make_media(world.ministry, "Vaccination card", alt_text={"en": "A nurse gives a flu jab."})
    attach(world.variant, card)

    assert check_variant(world.variant) == []


def test_blank_alt_text_counts_as_missing(world):
    attach(world.variant, builders.make_media(world.ministry, "Vaccination card", alt_text={"en": "   "}))

    assert rules_of(check_variant(world.variant)) == ["alt_text_missing"]


def test_a_video_needs_no_alt_text(world):
    variant = builders.make_variant(world.item, platform="youtube")
    attach(variant, builders.make_media(world.ministry, "Clinic tour", kind="video"))

    assert check_variant(variant) == []


def test_attached_media_count_against_the_platforms_limits(world):
    variant = builders.make_variant(world.item, platform="x")
    images = [builders.make_media(world.ministry, f"Card {n}", alt_text={"en": f"Card {n}"}) for n in range(5)]
    attach(variant, *images)

    (problem,) = check_variant(variant)

    assert (problem.rule, problem.variant_id) == ("media_count", variant.pk)


def test_a_missing_campaign_hashtag_is_a_warning(world):
    variant = builders.make_variant(world.item, platform="x", text="Book your free flu vaccine today.")

    (problem,) = check_variant(variant)

    assert problem == Problem(
        "hashtags", "hashtags_missing", "The campaign's hashtags are missing: #FluVaccine.", WARNING, variant.pk
    )


def test_a_campaign_hashtag_in_the_first_comment_or_in_another_case_is_present(world):
    in_comment = builders.make_variant(
        world.item, platform="instagram", text="Book today.", first_comment="#FluVaccine"
    )
    attach(in_comment, builders.make_media(world.ministry, "Card", alt_text={"en": "A flu vaccination card."}))
    lower_case = builders.make_variant(world.item, platform="x", text="Book today. #fluvaccine")

    assert check_variant(in_comment) == []
    assert check_variant(lower_case) == []


def test_patient_data_in_the_first_comment_is_reported_on_the_first_comment(world):
    variant = builders.make_variant(world.item, platform="facebook", first_comment="Thanks MRN 12345678!")

    (problem,) = check_variant(variant)

    assert (problem.field, problem.rule, problem.severity) == ("first_comment", "patient_data", ERROR)


# check_item


def test_an_item_without_variants_is_an_error_on_variants(world):
    item = builders.make_item(world.campaign, "Not written yet")

    assert check_item(item) == [
        Problem("variants", "variant_required", "Add at least one variant: a platform and a language.", ERROR)
    ]


def test_health_advice_without_a_source_is_an_error(world):
    world.item.is_health_advice = True

    assert check_item(world.item) == [
        Problem("sources", "source_required", "Health advice needs at least one source link.", ERROR)
    ]


def test_health_advice_with_a_source_passes(world):
    world.item.is_health_advice = True
    Source.objects.create(item=world.item, url="https://www.who.int/news-room/fact-sheets/detail/influenza-seasonal")

    assert check_item(world.item) == []


def test_an_items_problems_include_each_variants_with_its_id(world):
    long_one = builders.make_variant(world.item, platform="bluesky", text="#FluVaccine " + "a" * 300)

    problems = check_item(world.item)

    assert [(p.rule, p.variant_id) for p in problems] == [("length", long_one.pk)]
    assert has_errors(problems)


def test_checking_an_item_with_ten_variants_takes_a_few_reads_and_no_writes(world, django_assert_max_num_queries):
    world.item.is_health_advice = True
    world.item.save(update_fields=["is_health_advice"])
    Source.objects.create(item=world.item, url="https://www.who.int/")
    card = builders.make_media(world.ministry, "Card", alt_text={"en": "A card.", "fr": "Une carte."})
    attach(world.variant, card)
    for platform in ["x", "facebook", "instagram", "linkedin"]:
        for language in ["en", "fr"]:
            attach(builders.make_variant(world.item, platform=platform, language=language), card)
    attach(
        builders.make_variant(world.item, platform="youtube"), builders.make_media(world.ministry, "Clip", kind="video")
    )
    assert world.item.variants.count() == 10
    item = ContentItem.objects.get(pk=world.item.pk)

    # The campaign, the sources, the variants, their attachments with their assets, and the accounts they may go to.
    with django_assert_max_num_queries(5) as captured:
        problems = check_item(item)

    assert problems == []
    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in captured.captured_queries)
