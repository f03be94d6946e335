"""The editor, the item page and the review queue, through HTTP as their users use them."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from campaigns.models import ContentItem, Notification
from campaigns.workflow import perform
from publishing.models import Publication
from tests import builders

S = ContentItem.State


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_editor_drafts_an_item_with_a_variant_per_platform_and_language(world):
    client = logged_in(world.editor)
    form = {"title": "Flu shots at pharmacies", "kind": "post", "master_text": "Get vaccinated #FluVaccine",
            "platforms": ["x", "bluesky"], "languages": ["en", "ar"], "planned_at": "2026-12-01T09:00"}  # fmt: skip

    response = client.post(reverse("item_new", args=[world.campaign.pk]), form)

    item = ContentItem.objects.get(title="Flu shots at pharmacies")
    assert response.status_code == 302
    assert item.author == world.editor
    assert sorted(item.variants.values_list("platform", "language")) == [
        ("bluesky", "ar"),
        ("bluesky", "en"),
        ("x", "ar"),
        ("x", "en"),
    ]
    assert set(item.variants.values_list("text", flat=True)) == {"Get vaccinated #FluVaccine"}
    assert item.planned_at.isoformat() == "2026-12-01T08:00:00+00:00"  # 09:00 in Paris, in winter


def test_a_time_that_does_not_exist_in_the_organisation_zone_is_refused(world):
    client = logged_in(world.editor)
    form = {"title": "Spring forward", "kind": "post", "planned_at": "2027-03-28T02:30"}  # skipped in Paris

    response = client.post(reverse("item_new", args=[world.campaign.pk]), form)

    assert response.status_code == 400
    assert "planned_at" in response.context["form"].errors
    assert not ContentItem.objects.filter(title="Spring forward").exists()


def test_a_contributor_of_another_role_cannot_draft_without_membership(world):
    response = logged_in(world.outsider).post(
        reverse("item_new", args=[world.campaign.pk]), {"title": "x", "kind": "post"}
    )

    assert response.status_code == 404


def test_the_editor_page_shows_each_variant_with_its_counter_and_preview(world):
    builders.make_variant(world.item, platform="x", language="ar", text="احصل على لقاح الإنفلونزا #FluVaccine")

    page = logged_in(world.editor).get(reverse("item_edit", args=[world.item.pk])).text

    assert 'dir="rtl"' in page
    assert "counted as X counts them" in page
    assert "Preview on Mastodon" in page


def test_live_check_counts_the_platform_way_and_reports_problems(world):
    x = builders.make_variant(world.item, platform="x", language="en")
    url = reverse("variant_check", args=[world.item.pk, x.pk])

    response = logged_in(world.editor).post(url, {"text": "é" * 200 + " 🌡️" * 50})

    assert response.status_code == 200
    assert "counts 301 of 280" in response.text or "of 280 characters" in response.text
    assert 'class="counter over"' in response.text


def test_saving_a_variant_keeps_history_and_bumps_the_version(world):
    client = logged_in(world.editor)
    url = reverse("variant_save", args=[world.item.pk, world.variant.pk])

    response = client.post(
        url, {"text": "New text #FluVaccine", "link": "", "first_comment": "", "version": world.item.version}
    )

    assert response.status_code == 302
    world.variant.refresh_from_db()
    assert world.variant.text == "New text #FluVaccine"
    assert world.variant.history.count() == 2
    assert ContentItem.objects.get(pk=world.item.pk).version == world.item.version + 1


def test_a_stale_save_is_refused_and_the_typed_text_is_kept(world):
    client = logged_in(world.editor)
    url = reverse("variant_save", args=[world.item.pk, world.variant.pk])
    stale = world.item.version
    client.post(url, {"text": "First save #FluVaccine", "link": "", "first_comment": "", "version": stale})

    response = client.post(url, {"text": "My long careful rewrite", "link": "", "first_comment": "", "version": stale})

    assert response.status_code == 409
    assert "Someone saved a newer version" in response.text
    assert "My long careful rewrite" in response.text
    world.variant.refresh_from_db()
    assert world.variant.text == "First save #FluVaccine"


def test_a_bad_link_is_refused_on_its_field_and_nothing_is_saved(world):
    url = reverse("variant_save", args=[world.item.pk, world.variant.pk])

    response = logged_in(world.editor).post(url, {"text": "Kept?", "link": "not a link", "version": world.item.version})

    assert response.status_code == 400
    assert "Enter a valid URL." in response.text
    assert "Kept?" in response.text
    world.variant.refresh_from_db()
    assert world.variant.text != "Kept?"


def test_submit_and_approve_through_the_item_page(world):
    world.item.author = world.editor
    world.item.save()

    editor = logged_in(world.editor)
    assert editor.post(reverse("item_move", args=[world.item.pk, "submit"])).status_code == 302
    manager = logged_in(world.manager)
    queue = manager.get(reverse("review_queue")).text
    assert world.item.title in queue
    assert manager.post(reverse("item_move", args=[world.item.pk, "approve"])).status_code == 302

    assert ContentItem.objects.get(pk=world.item.pk).state == S.APPROVED
    assert Notification.objects.filter(recipient=world.editor, kind="approved").exists()


def test_a_refused_move_answers_with_its_status_and_explains(world):
    response = logged_in(world.contributor).post(reverse("item_move", args=[world.item.pk, "approve"]))

    assert response.status_code == 409
    assert "is not possible while the item is draft" in response.text


def test_an_unknown_action_is_a_clear_400(world):
    response = logged_in(world.editor).post(reverse("item_move", args=[world.item.pk, "teleport"]))

    assert response.status_code == 400
    assert "Unknown action" in response.text


def test_requesting_changes_without_a_comment_is_refused(world):
    perform(world.item, "submit", world.editor)

    response = logged_in(world.manager).post(
        reverse("item_move", args=[world.item.pk, "request_changes"]), {"comment": ""}
    )

    assert response.status_code == 400
    assert "a comment is required" in response.text


def test_the_review_page_shows_what_changed_since_the_last_approval(world):
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    client = logged_in(world.editor)
    client.post(reverse("variant_save", args=[world.item.pk, world.variant.pk]),
                {"text": "Changed after approval #FluVaccine", "link": "", "first_comment": "", "version": ContentItem.objects.get(pk=world.item.pk).version})  # fmt: skip

    page = logged_in(world.second_manager).get(reverse("item_detail", args=[world.item.pk])).text

    assert "Changes since the last approval" in page
    assert "Changed after approval #FluVaccine" in page
    assert "Flu season is here" in page  # the text before
    assert ContentItem.objects.get(pk=world.item.pk).state == S.IN_REVIEW


def test_a_comment_mentioning_a_member_notifies_them(world):
    response = logged_in(world.editor).post(
        reverse("item_comment", args=[world.item.pk]), {"body": "@mona.manager can you look?"}
    )

    assert response.status_code == 302
    assert Notification.objects.filter(recipient=world.manager, kind="mentioned").count() == 1
    assert world.item.comments.get().body == "@mona.manager can you look?"


def test_mentions_of_people_outside_the_organisation_notify_nobody(world):
    logged_in(world.editor).post(reverse("item_comment", args=[world.item.pk]), {"body": "@otto.outsider hello"})

    assert not Notification.objects.filter(recipient=world.outsider).exists()


def test_the_bell_counts_unread_notifications_and_they_can_be_read(world):
    perform(world.item, "submit", world.editor)
    client = logged_in(world.manager)

    assert '<span class="count">1</span>' in client.get(reverse("home")).text
    client.post(reverse("notifications_read"))
    assert '<span class="count">' not in client.get(reverse("notifications")).text


def test_the_review_queue_puts_alerts_first_and_leaves_out_own_items(world):
    post = builders.make_item(world.campaign, "Older post", author=world.editor)
    builders.make_variant(post)
    alert = builders.make_item(world.campaign, "Heat alert", kind="alert", author=world.editor)
    builders.make_variant(alert)
    mine = builders.make_item(world.campaign, "Manager's own", author=world.manager)
    builders.make_variant(mine)
    for item, who in [(post, world.editor), (alert, world.editor), (mine, world.manager)]:
        perform(item, "submit", who)

    page = logged_in(world.manager).get(reverse("review_queue")).text

    assert page.index("Heat alert") < page.index("Older post")
    assert "Manager&#x27;s own" not in page and "Manager's own" not in page


def png_upload(name: str = "card.png", colour: str = "#c0392b") -> object:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_an_uploaded_image_is_attached_with_its_alt_text_in_the_variant_language(world):
    url = reverse("variant_media", args=[world.item.pk, world.variant.pk])
    form = {"version": world.item.version, "file": png_upload(), "title": "Donor card", "alt_text": "A red card"}

    response = logged_in(world.editor).post(url, form)

    assert response.status_code == 302
    asset = world.variant.media.get()
    assert (asset.title, asset.alt_text, asset.width, asset.organisation) == (
        "Donor card",
        {"en": "A red card"},
        40,
        world.ministry,
    )


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_attached(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("variant_media", args=[world.item.pk, world.variant.pk])
    fake = SimpleUploadedFile("card.png", b"GIF89a but not really", content_type="image/png")

    response = logged_in(world.editor).post(url, {"version": world.item.version, "file": fake, "title": "Fake"})

    assert response.status_code == 400
    assert "image" in response.text.lower()
    assert not world.variant.media.exists()


def test_missing_alt_text_blocks_submission_until_it_is_written(world):
    client = logged_in(world.editor)
    url = reverse("variant_media", args=[world.item.pk, world.variant.pk])
    client.post(url, {"version": world.item.version, "file": png_upload(), "title": "Card"})
    world.item.refresh_from_db()

    refused = client.post(reverse("item_move", args=[world.item.pk, "submit"]))
    assert refused.status_code == 422
    assert "alt_text" in refused.text

    asset = world.variant.media.get()
    client.post(url, {"version": world.item.version, "asset": asset.pk, "alt_text": "Vaccination card"})
    assert client.post(reverse("item_move", args=[world.item.pk, "submit"])).status_code == 302
    assert ContentItem.objects.get(pk=world.item.pk).state == S.IN_REVIEW


def test_items_whose_approval_expired_are_listed_for_a_person_to_decide(world):
    import datetime as dt

    from django.utils import timezone

    from campaigns.workflow import expire_unapproved

    world.item.planned_at = timezone.now() - dt.timedelta(hours=1)
    world.item.save()
    expire_unapproved(timezone.now())

    page = logged_in(world.manager).get(reverse("review_queue")).text

    assert "Approval expired" in page
    assert world.item.title in page


def test_re_planning_an_expired_item_clears_the_flag(world):
    import datetime as dt

    from django.utils import timezone

    from campaigns.editing import edit_item
    from campaigns.workflow import expire_unapproved

    world.item.planned_at = timezone.now() - dt.timedelta(hours=1)
    world.item.save()
    expire_unapproved(timezone.now())
    world.item.refresh_from_db()

    edit_item(world.item, world.editor, world.item.version, {"planned_at": timezone.now() + dt.timedelta(days=2)})

    world.item.refresh_from_db()
    assert world.item.approval_expired_at is None


def test_adding_a_variant_in_a_language_the_campaign_does_not_use_is_refused(world):
    response = logged_in(world.editor).post(
        reverse("variant_add", args=[world.item.pk]), {"platform": "x", "language": "de", "version": world.item.version}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not world.item.variants.filter(language="de").exists()


def test_an_editor_schedules_an_approved_item_on_chosen_accounts(world):
    world.item.author = world.contributor
    world.item.save()
    perform(world.item, "submit", world.contributor)
    perform(world.item, "approve", world.manager)
    client = logged_in(world.editor)

    page = client.get(reverse("item_detail", args=[world.item.pk])).text
    assert f"{world.variant.pk}:{world.account.pk}" in page
    response = client.post(reverse("item_schedule", args=[world.item.pk]),
                           {"when": "2030-01-15T09:30", "targets": [f"{world.variant.pk}:{world.account.pk}"]})  # fmt: skip

    assert response.status_code == 302
    publication = world.variant.publications.get()
    assert publication.scheduled_at.isoformat() == "2030-01-15T08:30:00+00:00"
    assert ContentItem.objects.get(pk=world.item.pk).state == S.SCHEDULED


def test_scheduling_in_the_past_is_refused_on_the_time_field(world):
    world.item.author = world.contributor
    world.item.save()
    perform(world.item, "submit", world.contributor)
    perform(world.item, "approve", world.manager)

    response = logged_in(world.editor).post(reverse("item_schedule", args=[world.item.pk]),
                                            {"when": "2020-01-15T09:30", "targets": [f"{world.variant.pk}:{world.account.pk}"]})  # fmt: skip

    assert response.status_code == 400
    assert "This time has passed" in response.text
    assert not world.variant.publications.exists()


def test_scheduling_the_same_text_on_the_same_account_within_hours_warns(world):
    from campaigns.workflow import perform as move

    other = builders.make_item(world.campaign, "Same words", author=world.contributor)
    twin = builders.make_variant(other, text=world.variant.text)
    builders.make_publication(twin, world.account, scheduled_at=timezone_now_plus(days=30))
    world.item.author = world.contributor
    world.item.save()
    move(world.item, "submit", world.contributor)
    move(world.item, "approve", world.manager)
    when = timezone_now_plus(days=30, hours=1)

    response = logged_in(world.editor).post(
        reverse("item_schedule", args=[world.item.pk]),
        {
            "when": when.astimezone(world.ministry.zone).strftime("%Y-%m-%dT%H:%M"),
            "targets": [f"{world.variant.pk}:{world.account.pk}"],
        },
        follow=True,
    )

    assert "The same text goes to" in response.text


def timezone_now_plus(**delta: float) -> object:
    import datetime as dt

    from django.utils import timezone

    return timezone.now() + dt.timedelta(**delta)


def test_a_publication_is_moved_from_the_item_page_without_dragging(world):
    publication = builders.make_publication(world.variant, world.account, scheduled_at=timezone_now_plus(days=3))
    url = reverse("publication_move", args=[world.item.pk, publication.pk])
    when = timezone_now_plus(days=4).astimezone(world.ministry.zone).replace(second=0, microsecond=0)

    response = logged_in(world.editor).post(url, {"when": when.strftime("%Y-%m-%dT%H:%M")})

    assert response.status_code == 302
    assert Publication.objects.get(pk=publication.pk).scheduled_at == when


def test_a_contributor_cannot_move_a_publication(world):
    publication = builders.make_publication(world.variant, world.account, scheduled_at=timezone_now_plus(days=3))
    url = reverse("publication_move", args=[world.item.pk, publication.pk])

    response = logged_in(world.contributor).post(url, {"when": timezone_now_plus(days=4).strftime("%Y-%m-%dT%H:%M")})

    assert response.status_code == 403
    assert Publication.objects.get(pk=publication.pk).scheduled_at == publication.scheduled_at


def test_scheduling_the_same_text_on_two_x_accounts_warns_that_x_forbids_it(world):
    from campaigns.workflow import perform as move

    variant = builders.make_variant(world.item, platform="x")
    health, vaccines = (builders.make_account(world.ministry, "x", handle) for handle in ("@health", "@vaccines"))
    world.item.author = world.contributor
    world.item.save()
    move(world.item, "submit", world.contributor)
    move(world.item, "approve", world.manager)
    when = timezone_now_plus(days=30)

    response = logged_in(world.editor).post(
        reverse("item_schedule", args=[world.item.pk]),
        {
            "when": when.astimezone(world.ministry.zone).strftime("%Y-%m-%dT%H:%M"),
            "targets": [f"{variant.pk}:{health.pk}", f"{variant.pk}:{vaccines.pk}"],
        },
        follow=True,
    )

    assert "X&#x27;s rules forbid the same text on several accounts: @health, @vaccines" in response.text
    assert variant.publications.count() == 2  # a warning: scheduled all the same
