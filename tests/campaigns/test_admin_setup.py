"""An organisation admin sets up campaigns, items, media and accounts in the admin site."""

from __future__ import annotations

import io

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image

from campaigns.models import Campaign, MediaAsset
from publishing.models import SocialAccount
from tests import builders


@pytest.fixture
def client_of_admin(world) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#1f7a8c").save(buffer, "PNG")
    return buffer.getvalue()


def campaign_form(world, **overrides: object) -> dict[str, object]:
    return {
        "organisation": world.ministry.pk, "name": "Blood donation week", "goal": "More donors in summer",
        "start_date": "2026-06-01", "end_date": "2026-06-14", "priority": 3, "colour": "#c0392b",
        "hashtags": "#GiveBlood SaveLives", "languages": ["en", "ar"],
    } | overrides  # fmt: skip


def test_every_admin_page_renders_for_an_organisation_admin(world, client_of_admin):
    for model in admin.site._registry:
        meta = model._meta
        assert client_of_admin.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code == 200
        own = model._default_manager.filter(pk__in=admin.site._registry[model].get_queryset(_request(world.admin)))
        for obj in own[:1]:
            for view in ("change", "history"):
                response = client_of_admin.get(
                    reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])
                )
                assert response.status_code == 200, (meta.label, view)


def _request(user: object) -> object:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_admin_creates_a_campaign_with_hashtags_and_languages(world, client_of_admin):
    response = client_of_admin.post(reverse("admin:campaigns_campaign_add"), campaign_form(world))

    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Blood donation week")
    assert campaign.hashtags == ["#GiveBlood", "#SaveLives"]
    assert campaign.languages == ["en", "ar"]
    assert campaign.created_by == world.admin
    assert campaign.history.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2026-05-01"}, "end_date", "The campaign cannot end before it starts."),
        ({"name": "flu VACCINATION"}, "name", "This organisation already has a campaign with this name."),
        ({"colour": "red"}, "colour", "Use a hex colour such as #1f7a8c."),
        ({"hashtags": "#ok #not-ok"}, "hashtags", "A hashtag starts with #"),
        ({"late_cutoff_minutes": "20000"}, "late_cutoff_minutes", "Give between 1 minute and 7 days"),
        ({"late_cutoff_minutes": "0"}, "late_cutoff_minutes", "Give between 1 minute and 7 days"),
    ],
)
def test_bad_campaign_input_is_reported_on_its_field_and_nothing_is_saved(
    world, client_of_admin, overrides, field, message
):
    before = Campaign.objects.count()

    response = client_of_admin.post(reverse("admin:campaigns_campaign_add"), campaign_form(world, **overrides))

    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    assert Campaign.objects.count() == before


def test_a_language_the_organisation_does_not_use_is_refused_on_the_languages_field(world, client_of_admin):
    form = campaign_form(world, organisation=world.ministry.pk)
    world.ministry.languages = ["en"]
    world.ministry.save()

    response = client_of_admin.post(reverse("admin:campaigns_campaign_add"), form)

    assert "The organisation does not use ar; it uses en." in str(
        response.context["adminform"].form.errors["languages"]
    )


def test_an_item_with_an_invalid_variant_saves_nothing(world, client_of_admin):
    form = {
        "campaign": world.campaign.pk, "kind": "post", "title": "Half an item", "brief": "", "author": world.editor.pk,
        "sources-TOTAL_FORMS": 1, "sources-INITIAL_FORMS": 0, "sources-0-url": "not a url",
        "variants-TOTAL_FORMS": 1, "variants-INITIAL_FORMS": 0,
        "variants-0-platform": "x", "variants-0-language": "en", "variants-0-text": "Hello",
        "comments-TOTAL_FORMS": 0, "comments-INITIAL_FORMS": 0,
    }  # fmt: skip

    response = client_of_admin.post(reverse("admin:campaigns_contentitem_add"), form)

    assert response.status_code == 200
    assert not world.campaign.items.filter(title="Half an item").exists()
    assert "Enter a valid URL." in response.text


def test_admin_uploads_an_image_and_its_facts_are_measured(world, client_of_admin):
    upload = SimpleUploadedFile("card.jpg", png_bytes((64, 48)), content_type="image/jpeg")
    form = {"organisation": world.ministry.pk, "title": "Flu card", "file": upload, "alt_text": '{"en": "A flu card"}'}

    response = client_of_admin.post(reverse("admin:campaigns_mediaasset_add"), form)

    assert response.status_code == 302
    asset = MediaAsset.objects.get(title="Flu card")
    assert (asset.width, asset.height, asset.mime_type) == (64, 48, "image/png")
    assert len(asset.checksum) == 64


def test_a_file_that_is_not_an_image_is_refused_on_the_file_field(world, client_of_admin):
    upload = SimpleUploadedFile("card.png", b"%PDF-1.7 definitely not an image", content_type="image/png")
    form = {"organisation": world.ministry.pk, "title": "Fake", "file": upload, "alt_text": "{}"}

    response = client_of_admin.post(reverse("admin:campaigns_mediaasset_add"), form)

    assert "not an image" in str(response.context["adminform"].form.errors["file"])
    assert not MediaAsset.objects.filter(title="Fake").exists()


def test_the_same_image_twice_is_refused_with_a_clear_message(world, client_of_admin):
    for title in ("First", "Second"):
        upload = SimpleUploadedFile("card.png", png_bytes(), content_type="image/png")
        form = {"organisation": world.ministry.pk, "title": title, "file": upload, "alt_text": "{}"}
        response = client_of_admin.post(reverse("admin:campaigns_mediaasset_add"), form)

    assert response.context["adminform"].form.errors["file"] == ["This file is already in the organisation's library."]
    assert MediaAsset.objects.filter(organisation=world.ministry).count() == 1


def test_credentials_are_never_shown_and_are_encrypted_at_rest(world, client_of_admin):
    page = client_of_admin.get(reverse("admin:publishing_socialaccount_change", args=[world.account.pk])).text

    assert "secret-token-value" not in page
    assert "access_token (values hidden)" in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM publishing_socialaccount WHERE id = %s", [world.account.pk])
        (stored,) = cursor.fetchone()
    assert "secret-token-value" not in stored
    assert SocialAccount.objects.get(pk=world.account.pk).credentials == {"access_token": "secret-token-value"}


def test_credentials_can_be_replaced_but_an_empty_field_keeps_them(world, client_of_admin):
    url = reverse("admin:publishing_socialaccount_change", args=[world.account.pk])
    form = {
        "organisation": world.ministry.pk, "platform": "mastodon", "handle": "@health",
        "api_base_url": "https://mastodon.example/", "is_active": "on", "new_credentials": "",
    }  # fmt: skip

    client_of_admin.post(url, form)
    assert SocialAccount.objects.get(pk=world.account.pk).credentials == {"access_token": "secret-token-value"}

    client_of_admin.post(url, form | {"new_credentials": '{"access_token": "rotated"}'})
    assert SocialAccount.objects.get(pk=world.account.pk).credentials == {"access_token": "rotated"}


def test_credentials_never_reach_the_history_table(world):
    world.account.credentials = {"access_token": "another-secret"}
    world.account.save()

    columns = [field.name for field in SocialAccount.history.model._meta.fields]
    assert "credentials" not in columns


def test_invalid_credentials_json_is_refused_on_its_field(world, client_of_admin):
    url = reverse("admin:publishing_socialaccount_change", args=[world.account.pk])
    form = {"organisation": world.ministry.pk, "platform": "mastodon", "handle": "@health",
            "api_base_url": "https://mastodon.example/", "new_credentials": "{not json"}  # fmt: skip

    response = client_of_admin.post(url, form)

    assert "Not valid JSON" in str(response.context["adminform"].form.errors["new_credentials"])


def test_publications_are_read_only_in_the_admin(world, client_of_admin):
    publication = builders.make_publication(world.variant, world.account)

    response = client_of_admin.get(reverse("admin:publishing_publication_change", args=[publication.pk]))

    assert response.status_code == 200
    assert 'name="_save"' not in response.text


def test_admin_edits_the_organisation_time_zone_and_languages(world, client_of_admin):
    url = reverse("admin:campaigns_organisation_change", args=[world.ministry.pk])
    form = {"name": world.ministry.name, "slug": world.ministry.slug, "timezone": "Africa/Casablanca",
            "languages": ["en", "ar"], "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0}  # fmt: skip

    assert client_of_admin.post(url, form).status_code == 302
    world.ministry.refresh_from_db()
    assert (world.ministry.timezone, world.ministry.languages) == ("Africa/Casablanca", ["en", "ar"])

    response = client_of_admin.post(url, form | {"timezone": "Mars/Olympus_Mons"})
    assert "Select a valid choice" in str(response.context["adminform"].form.errors["timezone"])


def test_an_organisation_admin_cannot_create_organisations(world, client_of_admin):
    assert client_of_admin.get(reverse("admin:campaigns_organisation_add")).status_code == 403


def test_an_approved_item_edited_in_the_admin_goes_back_to_review(world, client_of_admin):
    from campaigns.models import ContentItem
    from campaigns.workflow import perform

    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    url = reverse("admin:campaigns_variant_change", args=[world.variant.pk])
    form = {"item": world.item.pk, "platform": "mastodon", "language": "en", "text": "Changed in the admin #FluVaccine",
            "link": "", "first_comment": "", "attachments-TOTAL_FORMS": 0, "attachments-INITIAL_FORMS": 0}  # fmt: skip

    assert client_of_admin.post(url, form).status_code == 302

    item = ContentItem.objects.get(pk=world.item.pk)
    assert item.state == ContentItem.State.IN_REVIEW
    assert item.version == world.item.version + 1
