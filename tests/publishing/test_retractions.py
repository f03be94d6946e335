"""Corrections posted as replies, and retractions, against the live sandbox; Instagram refuses to delete."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from audit.models import Event
from campaigns.corrections import draft_correction
from campaigns.models import ContentItem
from campaigns.workflow import WorkflowError
from publishing.adapters import adapter_for
from publishing.adapters.bluesky import BlueskyAdapter
from publishing.adapters.facebook import FacebookAdapter
from publishing.adapters.mastodon import MastodonAdapter
from publishing.adapters.threads import ThreadsAdapter
from publishing.adapters.x import XAdapter
from publishing.corrections import original_post
from publishing.models import MetricSchedule, Publication, Retraction
from publishing.retractions import retract, retract_item
from publishing.sandbox import services
from publishing.sandbox.dialects.graph import user_id_for
from publishing.sandbox.models import SandboxPost
from tests import builders
from tests.contracts.on_sandbox import fault, on_bluesky, on_meta_platform, on_platform, publication

P = Publication.State
REASON = "The dose given was wrong."


def published_original(world, adapter) -> Publication:
    """The world's publication posted on the sandbox by `adapter` and its item published, as the engine leaves them."""
    made = adapter.publish(publication(world))
    Publication.objects.filter(pk=world.publication.pk).update(
        state=P.PUBLISHED, remote_id=made.remote_id, remote_url=made.url, published_at=timezone.now()
    )
    ContentItem.objects.filter(pk=world.item.pk).update(state=ContentItem.State.PUBLISHED)
    world.item.refresh_from_db()
    return Publication.objects.get(pk=world.publication.pk)


def correction_publication(world, platform: str, account=None) -> Publication:
    correction = draft_correction(world.item, world.editor, REASON)
    variant = correction.variants.get(platform=platform)
    made = builders.make_publication(variant, account or world.account)
    return Publication.objects.select_related("variant", "account").get(pk=made.pk)


@pytest.fixture
def on_mastodon(world, live_server, transactional_db):
    return on_platform(world, live_server, "mastodon")


@pytest.fixture
def on_x(world, live_server, transactional_db):
    world.account = builders.make_account(
        world.ministry, platform="x", handle="@MinistryHealth", api_base_url=f"{live_server.url}/sandbox/x/"
    )
    world.variant = builders.make_variant(world.item, platform="x", text="Flu jabs: two doses. #FluVaccine")
    world.publication = builders.make_publication(world.variant, world.account)
    return world


def test_a_correction_on_mastodon_is_a_reply_to_the_original_status(on_mastodon):
    original = published_original(on_mastodon, MastodonAdapter())
    correction = correction_publication(on_mastodon, "mastodon")

    made = MastodonAdapter().publish(correction)

    post = SandboxPost.objects.get(remote_id=made.remote_id)
    assert post.reply_to == original.remote_id
    assert post.payload["in_reply_to_id"] == original.remote_id
    assert post.text.startswith("Correction:")


def test_a_correction_on_x_is_a_reply_to_the_original_post(on_x):
    original = published_original(on_x, XAdapter())
    correction = correction_publication(on_x, "x")

    made = XAdapter().publish(correction)

    post = SandboxPost.objects.get(remote_id=made.remote_id)
    assert post.payload["reply"] == {"in_reply_to_tweet_id": original.remote_id}
    assert post.reply_to == original.remote_id


def test_a_correction_on_bluesky_names_the_original_as_root_and_parent(world, live_server, transactional_db):
    on_bluesky(world, live_server, "لقاح الإنفلونزا: جرعتان")
    original = published_original(world, BlueskyAdapter())
    correction = correction_publication(world, "bluesky")

    made = BlueskyAdapter().publish(correction)

    record = SandboxPost.objects.get(payload__rkey=made.remote_id.rpartition("/")[2]).payload["record"]
    assert record["reply"]["parent"]["uri"] == record["reply"]["root"]["uri"] == original.remote_id
    assert record["reply"]["parent"]["cid"]


def test_a_correction_on_threads_is_a_reply_to_the_original_thread(world, live_server, transactional_db, graph_sandbox):
    on_meta_platform(world, live_server, "threads", "threads-token-of-the-ministry", "Flu jabs: two doses.")
    original = published_original(world, ThreadsAdapter())
    correction = correction_publication(world, "threads")

    made = ThreadsAdapter().publish(correction)

    post = SandboxPost.objects.get(remote_id=made.remote_id)
    assert post.reply_to == original.remote_id
    assert post.text.startswith("Correction:")


def test_a_correction_to_an_account_the_original_never_went_to_is_a_new_post(on_mastodon, live_server):
    published_original(on_mastodon, MastodonAdapter())
    other = builders.make_account(
        on_mastodon.ministry, handle="@health_fr", api_base_url=f"{live_server.url}/sandbox/mastodon/",
        credentials={"access_token": "another-token"},
    )  # fmt: skip
    correction = correction_publication(on_mastodon, "mastodon", account=other)

    made = MastodonAdapter().publish(correction)

    assert SandboxPost.objects.get(remote_id=made.remote_id).reply_to == ""


def test_a_correction_on_a_facebook_page_is_a_new_post_of_the_page(world, live_server, transactional_db, graph_sandbox):
    token = "page-token-of-the-ministry"
    world.account = builders.make_account(
        world.ministry, platform="facebook", handle="Ministry of Health", api_base_url=f"{live_server.url}/sandbox/facebook/",
        credentials={"access_token": token, "page_id": user_id_for(services.account_for("facebook", token))},
    )  # fmt: skip
    world.variant = builders.make_variant(world.item, platform="facebook", text="Flu jabs: two doses.")
    world.publication = builders.make_publication(world.variant, world.account)
    original = published_original(world, FacebookAdapter())
    correction = correction_publication(world, "facebook")

    made = FacebookAdapter().publish(correction)

    assert made.remote_id != original.remote_id
    post = SandboxPost.objects.get(remote_id=made.remote_id.rpartition("_")[2])
    assert post.reply_to == "" and post.text.startswith("Correction:")  # a post of the Page, not a comment


@pytest.mark.parametrize("platform", ["facebook", "instagram", "linkedin", "youtube"])
def test_where_the_platform_takes_no_replies_the_correction_is_a_new_post(world, platform):
    account = builders.make_account(world.ministry, platform=platform, handle=f"@{platform}")
    variant = builders.make_variant(world.item, platform=platform)
    builders.make_publication(variant, account, state=P.PUBLISHED, remote_id="1", published_at=timezone.now())
    ContentItem.objects.filter(pk=world.item.pk).update(state=ContentItem.State.PUBLISHED)
    world.item.refresh_from_db()
    correction = correction_publication(world, platform, account=account)

    assert original_post(correction) is not None
    assert adapter_for(platform).answered_post(correction) is None


def test_retracting_on_mastodon_deletes_the_status_and_keeps_the_record(on_mastodon):
    original = published_original(on_mastodon, MastodonAdapter())
    MetricSchedule.objects.create(publication=original, account=original.account, due_at=timezone.now())

    retraction = retract(original, on_mastodon.manager, REASON)

    assert (retraction.state, retraction.decided_by, retraction.reason) == ("done", on_mastodon.manager, REASON), (
        retraction.message
    )
    assert SandboxPost.objects.get(remote_id=original.remote_id).deleted_at is not None
    original.refresh_from_db()
    assert (original.state, original.remote_id) == (P.RETRACTED, SandboxPost.objects.get().remote_id)
    assert MetricSchedule.objects.get().state == "done"
    assert Event.objects.get(action="publication.retracted").details["reason"] == REASON
    with pytest.raises(ProtectedError):
        original.delete()


def test_retracting_on_x_deletes_the_post(on_x):
    original = published_original(on_x, XAdapter())

    assert retract(original, on_x.manager, REASON).state == "done"
    assert SandboxPost.objects.get(remote_id=original.remote_id).deleted_at is not None


def test_retracting_on_instagram_is_refused_with_a_message_offering_a_correction(world):
    account = builders.make_account(world.ministry, platform="instagram", handle="@ministry")
    variant = builders.make_variant(world.item, platform="instagram")
    made = builders.make_publication(variant, account, state=P.PUBLISHED, remote_id="17", published_at=timezone.now())

    retraction = retract(made, world.manager, REASON)

    assert retraction.state == Retraction.State.REFUSED
    assert "Instagram's API cannot delete a post" in retraction.message and "correction" in retraction.message
    assert Publication.objects.get(pk=made.pk).state == P.PUBLISHED
    assert Event.objects.filter(action="publication.retraction_refused").exists()


def test_a_platform_error_leaves_the_post_published_and_the_failure_recorded(on_mastodon):
    original = published_original(on_mastodon, MastodonAdapter())
    fault(on_mastodon, "server_error", applies_to="all", remaining=1)

    retraction = retract(original, on_mastodon.manager, REASON)

    assert retraction.state == Retraction.State.FAILED and "try again" in retraction.message
    assert Publication.objects.get(pk=original.pk).state == P.PUBLISHED


@pytest.mark.parametrize("persona", ["editor", "contributor", "outsider"])
def test_only_a_manager_may_retract(world, persona):
    made = builders.make_publication(world.variant, world.account, state=P.PUBLISHED, remote_id="9")

    with pytest.raises(WorkflowError) as refused:
        retract(made, getattr(world, persona), REASON)

    assert refused.value.status == 403 and not Retraction.objects.exists()


def test_a_retraction_needs_a_reason_and_a_published_post(world):
    made = builders.make_publication(world.variant, world.account, state=P.PUBLISHED, remote_id="9")
    waiting = builders.make_publication(world.variant, world.account, scheduled_at=timezone.now())

    with pytest.raises(WorkflowError) as no_reason:
        retract(made, world.manager, " ")
    with pytest.raises(WorkflowError) as not_published:
        retract(waiting, world.manager, REASON)

    assert (no_reason.value.code, not_published.value.code) == ("reason_required", "wrong_state")
    assert not Retraction.objects.exists()


def test_retracting_an_item_retracts_each_of_its_posts(on_mastodon):
    published_original(on_mastodon, MastodonAdapter())

    [retraction] = retract_item(on_mastodon.item, on_mastodon.manager, REASON)

    assert retraction.state == "done"
    with pytest.raises(WorkflowError):
        retract_item(on_mastodon.item, on_mastodon.manager, REASON)  # nothing published is left
