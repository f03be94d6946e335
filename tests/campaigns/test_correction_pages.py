"""The Correct and Retract pages of a published item, through HTTP as their users use them; the record they leave
on the item pages, the review queue and the admin site."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from campaigns.corrections import REASON_MAX_CHARS, draft_correction
from campaigns.models import ContentItem, Correction
from campaigns.workflow import perform
from publishing.adapters.mastodon import MastodonAdapter
from publishing.models import Publication, Retraction
from publishing.sandbox.models import SandboxPost
from tests import builders
from tests.contracts.on_sandbox import fault, on_platform, publication

S = ContentItem.State
P = Publication.State
REASON = "The clinic's opening hours were wrong."


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def published(item: ContentItem) -> ContentItem:
    ContentItem.objects.filter(pk=item.pk).update(state=S.PUBLISHED)
    item.refresh_from_db()
    return item


@pytest.fixture
def on_instagram(world):
    """The world's item published, its post on Instagram (whose API cannot delete) online."""
    account = builders.make_account(world.ministry, platform="instagram", handle="@ministry_ig")
    variant = builders.make_variant(world.item, platform="instagram")
    world.instagram_post = builders.make_publication(
        variant, account, state=P.PUBLISHED, remote_id="17", remote_url="https://instagram.example/p/17",
        published_at=timezone.now(),
    )  # fmt: skip
    published(world.item)
    return world


@pytest.fixture
def on_mastodon_and_instagram(world, live_server, transactional_db):
    """The world's item published on the live sandbox's Mastodon, and on Instagram."""
    on_platform(world, live_server, "mastodon")
    made = MastodonAdapter().publish(publication(world))
    Publication.objects.filter(pk=world.publication.pk).update(
        state=P.PUBLISHED, remote_id=made.remote_id, remote_url=made.url, published_at=timezone.now()
    )
    account = builders.make_account(world.ministry, platform="instagram", handle="@ministry_ig")
    world.instagram_post = builders.make_publication(
        builders.make_variant(world.item, platform="instagram"), account, state=P.PUBLISHED, remote_id="17",
        published_at=timezone.now(),
    )  # fmt: skip
    published(world.item)
    return world


# Correct


def test_an_editor_corrects_a_published_item_and_lands_on_the_correction_to_rewrite(world):
    published(world.item)
    client = logged_in(world.editor)

    page = client.get(reverse("item_detail", args=[world.item.pk]))
    assert reverse("item_correct", args=[world.item.pk]) in page.text
    response = client.post(reverse("item_correct", args=[world.item.pk]), {"reason": REASON})

    link = Correction.objects.get()
    assert (link.original, link.decided_by, link.reason) == (world.item, world.editor, REASON)
    assert response.status_code == 302 and response.url == reverse("item_edit", args=[link.correction_id])
    assert link.correction.state == S.DRAFT


def test_the_correction_says_what_it_corrects_and_the_original_lists_its_corrections(world):
    correction = draft_correction(published(world.item), world.editor, REASON)
    client = logged_in(world.manager)

    own = text_of(client.get(reverse("item_detail", args=[correction.pk])))
    original = text_of(client.get(reverse("item_detail", args=[world.item.pk])))
    editor = text_of(client.get(reverse("item_edit", args=[correction.pk])))

    assert f"Correction of “{world.item.title}”" in own and reverse("item_detail", args=[world.item.pk]) in own
    assert REASON in own and "eve.editor" in own
    assert f"Correction of “{world.item.title}”" in editor
    assert "Corrections of this item" in original and correction.title in original
    assert reverse("item_detail", args=[correction.pk]) in original and "Draft" in original
    assert REASON in original


def test_the_review_queue_flags_a_correction(world):
    correction = draft_correction(published(world.item), world.editor, REASON)
    perform(correction, "submit", world.editor)

    queue = text_of(logged_in(world.manager).get(reverse("review_queue")))

    assert correction.title in queue and f"Correction of “{world.item.title}”" in queue


@pytest.mark.parametrize("state", [S.DRAFT, S.IN_REVIEW, S.SCHEDULED])
def test_correcting_an_item_not_published_is_refused_with_a_clear_message(world, state):
    ContentItem.objects.filter(pk=world.item.pk).update(state=state)
    client = logged_in(world.editor)

    shown = client.get(reverse("item_correct", args=[world.item.pk]))
    posted = client.post(reverse("item_correct", args=[world.item.pk]), {"reason": REASON})

    assert shown.status_code == posted.status_code == 409
    assert "Only a published item can be corrected" in text_of(posted)
    assert not Correction.objects.exists() and ContentItem.objects.filter(campaign=world.campaign).count() == 1
    page = logged_in(world.editor).get(reverse("item_detail", args=[world.item.pk]))
    assert reverse("item_correct", args=[world.item.pk]) not in page.text


def test_a_second_correction_is_refused_while_the_first_is_under_way(world):
    first = draft_correction(published(world.item), world.editor, REASON)

    response = logged_in(world.manager).post(reverse("item_correct", args=[world.item.pk]), {"reason": "Again."})

    assert response.status_code == 409 and first.title in text_of(response)
    assert Correction.objects.count() == 1


@pytest.mark.parametrize("persona", ["contributor"])
def test_a_contributor_may_not_correct(world, persona):
    published(world.item)
    client = logged_in(getattr(world, persona))

    assert client.get(reverse("item_correct", args=[world.item.pk])).status_code == 403
    response = client.post(reverse("item_correct", args=[world.item.pk]), {"reason": REASON})

    assert response.status_code == 403 and "Your role cannot correct" in text_of(response)
    assert not Correction.objects.exists()
    assert (
        reverse("item_correct", args=[world.item.pk])
        not in client.get(reverse("item_detail", args=[world.item.pk])).text
    )


@pytest.mark.parametrize(
    ("reason", "message"),
    [("  ", "a reason is required"), ("x" * (REASON_MAX_CHARS + 1), f"at most {REASON_MAX_CHARS} characters")],
)
def test_a_correction_without_a_usable_reason_is_refused_on_its_field(world, reason, message):
    published(world.item)

    response = logged_in(world.editor).post(reverse("item_correct", args=[world.item.pk]), {"reason": reason})

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["reason"])
    assert not Correction.objects.exists() and ContentItem.objects.filter(campaign=world.campaign).count() == 1


def test_another_organisations_item_cannot_be_corrected(world):
    published(world.clinic_item)

    response = logged_in(world.editor).post(reverse("item_correct", args=[world.clinic_item.pk]), {"reason": REASON})

    assert response.status_code == 404 and not Correction.objects.exists()


# Retract


def test_the_retraction_page_lists_each_post_and_says_plainly_instagram_cannot_delete_it(on_instagram):
    world = on_instagram
    builders.make_publication(
        world.variant, world.account, state=P.PUBLISHED, remote_id="5", published_at=timezone.now()
    )

    response = logged_in(world.manager).get(reverse("item_retract", args=[world.item.pk]))

    page = text_of(response)
    assert response.status_code == 200
    assert "@ministry_ig" in page and "@health" in page
    assert "Instagram's API cannot delete a post" in page and "draft a correction" in page
    assert page.count("Deleted from the platform on confirming") == 1
    assert reverse("item_correct", args=[world.item.pk]) in page  # offered instead
    assert not Retraction.objects.exists()  # nothing is done before confirming


@pytest.mark.parametrize("persona", ["contributor", "editor", "admin"])
def test_only_a_manager_may_retract(on_instagram, persona):
    world = on_instagram
    client = logged_in(getattr(world, persona))

    assert client.get(reverse("item_retract", args=[world.item.pk])).status_code == 403
    response = client.post(reverse("item_retract", args=[world.item.pk]), {"reason": REASON})

    assert response.status_code == 403 and "Only a manager can retract" in text_of(response)
    assert not Retraction.objects.exists()
    assert (
        reverse("item_retract", args=[world.item.pk])
        not in client.get(reverse("item_detail", args=[world.item.pk])).text
    )


def test_retracting_an_item_with_no_post_online_is_refused_with_a_clear_message(world):
    published(world.item)

    response = logged_in(world.manager).post(reverse("item_retract", args=[world.item.pk]), {"reason": REASON})

    assert response.status_code == 409 and "no published post to retract" in text_of(response)
    assert not Retraction.objects.exists()


def test_a_retraction_without_a_reason_is_refused_on_its_field(on_instagram):
    response = logged_in(on_instagram.manager).post(
        reverse("item_retract", args=[on_instagram.item.pk]), {"reason": ""}
    )

    assert response.status_code == 400
    assert "a reason is required" in " ".join(response.context["form"].errors["reason"])
    assert not Retraction.objects.exists()


def test_retraction_on_instagram_is_refused_and_the_page_says_so_and_offers_a_correction(on_instagram):
    world = on_instagram

    response = logged_in(world.manager).post(reverse("item_retract", args=[world.item.pk]), {"reason": REASON})

    page = text_of(response)
    assert response.status_code == 200
    assert "Refused: the platform cannot delete" in page
    assert "Instagram's API cannot delete a post: remove it in the Instagram app" in page
    assert reverse("item_correct", args=[world.item.pk]) in page
    retraction = Retraction.objects.get()
    assert (retraction.state, retraction.decided_by, retraction.reason) == ("refused", world.manager, REASON)
    assert Publication.objects.get(pk=world.instagram_post.pk).state == P.PUBLISHED


def test_confirming_deletes_what_can_be_deleted_and_shows_each_posts_outcome(on_mastodon_and_instagram):
    world = on_mastodon_and_instagram

    response = logged_in(world.manager).post(reverse("item_retract", args=[world.item.pk]), {"reason": REASON})

    page = text_of(response)
    assert response.status_code == 200
    assert "Deleted from the platform" in page and "Refused: the platform cannot delete" in page
    mastodon = Publication.objects.get(pk=world.publication.pk)
    assert mastodon.state == P.RETRACTED
    assert SandboxPost.objects.get(remote_id=mastodon.remote_id).deleted_at is not None
    assert sorted(Retraction.objects.values_list("state", flat=True)) == ["done", "refused"]
    assert Event.objects.filter(action="publication.retracted", actor=world.manager).count() == 1


def test_a_platforms_failure_is_shown_with_its_message_and_the_post_stays_published(on_mastodon_and_instagram):
    world = on_mastodon_and_instagram
    fault(world, "server_error", applies_to="all", remaining=1)

    response = logged_in(world.manager).post(reverse("item_retract", args=[world.item.pk]), {"reason": REASON})

    page = text_of(response)
    assert "Failed" in page and "The platform did not delete it" in page and "try again" in page
    assert Publication.objects.get(pk=world.publication.pk).state == P.PUBLISHED


def test_the_item_page_keeps_every_retraction_with_who_decided_and_when(on_instagram):
    world = on_instagram
    logged_in(world.manager).post(reverse("item_retract", args=[world.item.pk]), {"reason": REASON})
    draft_correction(world.item, world.editor, "The hours were wrong.")

    page = text_of(logged_in(world.contributor).get(reverse("item_detail", args=[world.item.pk])))

    assert "Corrections and retractions" in page
    assert "Refused: the platform cannot delete" in page and REASON in page and "mona.manager" in page
    retraction = Retraction.objects.get()
    assert retraction.at.astimezone(world.ministry.zone).strftime("%H:%M") in page  # in the organisation's zone
    assert "The hours were wrong." in page and "eve.editor" in page


# The admin site: the record is read there, never made, changed or deleted.


@pytest.fixture
def records(on_instagram):
    world = on_instagram
    logged_in(world.manager).post(reverse("item_retract", args=[world.item.pk]), {"reason": REASON})
    draft_correction(world.item, world.editor, REASON)
    return world


@pytest.mark.parametrize(
    ("model", "label"), [(Correction, "campaigns_correction"), (Retraction, "publishing_retraction")]
)
def test_the_admin_shows_corrections_and_retractions_read_only(records, model, label):
    client = logged_in(records.admin)
    row = model.objects.get()

    assert client.get(reverse(f"admin:{label}_changelist")).status_code == 200
    change = client.get(reverse(f"admin:{label}_change", args=[row.pk]))
    assert change.status_code == 200 and REASON in text_of(change)
    assert 'name="_save"' not in change.text  # shown, not offered for changing
    assert client.get(reverse(f"admin:{label}_add")).status_code == 403
    client.post(reverse(f"admin:{label}_change", args=[row.pk]), {"reason": "rewritten"})
    client.post(reverse(f"admin:{label}_delete", args=[row.pk]), {"post": "yes"})
    assert model.objects.get().reason == REASON
