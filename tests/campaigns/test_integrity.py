"""The database keeps the model's rules, and forms report them on the field they concern."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaigns.models import Campaign, Organisation, Variant, VariantMedia
from publishing.models import Publication
from tests import builders


def errors_of(instance: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_a_campaign_cannot_end_before_it_starts_in_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        builders.make_campaign(
            world.ministry, "Backwards", start_date=dt.date(2026, 5, 2), end_date=dt.date(2026, 5, 1)
        )


def test_a_campaign_ending_before_it_starts_is_reported_on_the_end_date(world):
    campaign = Campaign(
        organisation=world.ministry, name="Backwards", start_date=dt.date(2026, 5, 2), end_date=dt.date(2026, 5, 1)
    )

    assert errors_of(campaign) == {"end_date": ["The campaign cannot end before it starts."]}


def test_an_ongoing_campaign_needs_no_end_date(world):
    Campaign(organisation=world.ministry, name="Quit smoking", start_date=dt.date(2026, 1, 1)).full_clean()


def test_campaign_names_are_unique_in_an_organisation_whatever_their_case(world):
    duplicate = Campaign(organisation=world.ministry, name="FLU VACCINATION", start_date=dt.date(2026, 1, 1))

    assert errors_of(duplicate) == {"name": ["This organisation already has a campaign with this name."]}
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_two_organisations_may_use_the_same_campaign_name(world):
    Campaign(organisation=world.clinic, name="Flu vaccination", start_date=dt.date(2026, 1, 1)).full_clean()


def test_a_campaign_language_must_be_one_the_organisation_uses(world):
    campaign = Campaign(
        organisation=world.clinic, name="Multilingual", start_date=dt.date(2026, 1, 1), languages=["en", "ar"]
    )

    assert errors_of(campaign) == {"languages": ["The organisation does not use ar; it uses en."]}


def test_an_unknown_language_code_is_refused_by_name(world):
    world.ministry.languages = ["en", "klingon"]

    assert errors_of(world.ministry) == {"languages": ["Unknown language code(s): klingon."]}


def test_an_unknown_time_zone_is_refused(world):
    world.ministry.timezone = "Mars/Olympus_Mons"

    assert "timezone" in errors_of(world.ministry)


def test_hashtags_must_look_like_hashtags(world):
    world.campaign.hashtags = ["#ok", "not a tag"]

    assert "hashtags" in errors_of(world.campaign)


def test_a_variant_language_must_be_one_of_the_campaign(world):
    world.campaign.languages = ["en", "fr"]
    world.campaign.save()
    variant = Variant(item=world.item, platform="x", language="ar", text="…")

    assert errors_of(variant) == {"language": ["The campaign does not use ar; it uses en, fr."]}


def test_one_variant_per_item_platform_and_language(world):
    duplicate = Variant(item=world.item, platform=world.variant.platform, language=world.variant.language)

    assert errors_of(duplicate) == {"__all__": ["This item already has a variant for this platform and language."]}
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_an_unknown_platform_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.create(item=world.item, platform="myspace", language="en")


def test_one_publication_per_variant_account_and_instant(world):
    publication = builders.make_publication(world.variant, world.account)

    with pytest.raises(IntegrityError), transaction.atomic():
        builders.make_publication(world.variant, world.account, scheduled_at=publication.scheduled_at)


def test_a_published_publication_must_have_a_remote_id(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        builders.make_publication(world.variant, world.account, state=Publication.State.PUBLISHED)


def test_a_publication_cannot_use_an_account_of_another_organisation(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        builders.make_publication(world.variant, world.clinic_account)


def test_a_publication_cannot_be_moved_to_an_account_of_another_organisation(world):
    publication = builders.make_publication(world.variant, world.account)

    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(account=world.clinic_account)


def test_a_publication_cannot_use_an_account_on_another_platform(world):
    bluesky = builders.make_account(world.ministry, platform="bluesky", handle="health.bsky.social")

    with pytest.raises(IntegrityError), transaction.atomic():
        builders.make_publication(world.variant, bluesky)


def test_the_form_explains_a_cross_organisation_publication_on_the_account_field(world):
    publication = Publication(variant=world.variant, account=world.clinic_account, scheduled_at=dt.datetime.now(dt.UTC))

    assert errors_of(publication)["account"] == ["This account belongs to another organisation."]


def test_a_variant_cannot_use_media_of_another_organisation(world):
    clinic_media = builders.make_media(world.clinic)

    assert errors_of(VariantMedia(variant=world.variant, asset=clinic_media))["asset"] == [
        "This asset belongs to another organisation."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        VariantMedia.objects.create(variant=world.variant, asset=clinic_media)


def test_a_variant_may_use_media_of_its_own_organisation(world):
    VariantMedia.objects.create(variant=world.variant, asset=builders.make_media(world.ministry))

    assert list(world.variant.media.all()) == [world.ministry.media.get()]


def test_an_item_cannot_move_to_a_campaign_of_another_organisation(world):
    world.item.campaign = world.clinic_campaign

    with pytest.raises(IntegrityError), transaction.atomic():
        world.item.save()


def test_an_item_can_move_between_campaigns_of_its_organisation(world):
    other = builders.make_campaign(world.ministry, "Blood donation")
    world.item.campaign = other
    world.item.save()

    world.item.refresh_from_db()
    assert world.item.campaign == other


def test_a_campaign_cannot_change_organisation(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=world.campaign.pk).update(organisation=world.clinic)


def test_media_is_stored_once_per_organisation(world):
    builders.make_media(world.ministry, checksum="abc")

    with pytest.raises(IntegrityError), transaction.atomic():
        builders.make_media(world.ministry, title="Copy", checksum="abc")


def test_alt_text_languages_must_be_the_organisation_languages(world):
    media = builders.make_media(world.clinic, alt_text={"en": "A card", "fr": "Une carte"})

    assert errors_of(media) == {"alt_text": ["The organisation does not use fr; it uses en."]}


def test_organisation_needs_at_least_one_language(db):
    organisation = Organisation(name="Empty", slug="empty", languages=[])

    assert "languages" in errors_of(organisation)
