"""The Mastodon adapter against the live sandbox, every request and reply checked against Mastodon's definition."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.core.cache import cache
from django.utils import timezone

from publishing.adapters import REGISTRY
from publishing.adapters.base import AuthFailed, Permanent, Transient, UnknownOutcome
from publishing.adapters.mastodon import MastodonAdapter, default_limits
from publishing.models import Publication, SocialAccount
from publishing.sandbox.models import SandboxAccount, SandboxMedia, SandboxPost
from tests import builders
from tests.contracts.on_sandbox import TOKEN, attach, fault, on_platform
from tests.sandbox.conftest import image_bytes

DEFINITION = "mastodon"
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2048


@pytest.fixture(autouse=True)
def quick_faults_and_fresh_limits(settings: object) -> None:
    settings.SANDBOX_TIMEOUT_SLEEP_S = 0.3
    cache.clear()


@pytest.fixture
def mastodon(world, live_server, transactional_db, contract):
    """The ministry's account on the sandbox's Mastodon API, a publication of its English variant, the adapter."""
    on_platform(world, live_server, "mastodon")
    world.adapter = MastodonAdapter(contract.client(timeout=5.0))
    world.contract = contract
    return world


def publish(world: object) -> object:
    return world.adapter.publish(Publication.objects.get(pk=world.publication.pk))


def calls(world: object) -> list[str]:
    return [f"{method} {path.removeprefix('/sandbox/mastodon')}" for method, path, _ in world.contract.calls]


def test_mastodon_publishes_through_its_own_adapter():
    assert REGISTRY["mastodon"] is MastodonAdapter
    assert MastodonAdapter.idempotency_window == dt.timedelta(hours=1)


def test_a_text_status_is_posted_public_in_the_variants_language_under_the_idempotency_key(mastodon):
    published = publish(mastodon)

    post = SandboxPost.objects.get()
    assert (published.remote_id, post.text) == (post.remote_id, mastodon.variant.text)
    assert post.idempotency_key == str(mastodon.publication.idempotency_key)
    assert (post.payload["language"], post.payload["visibility"]) == ("en", "public")
    assert published.url.endswith(f"/@sandbox{post.account.pk}/{post.remote_id}")
    assert calls(mastodon) == ["POST /api/v1/statuses"]


def test_a_link_goes_at_the_end_of_the_status(mastodon):
    mastodon.variant.link = "https://example.org/flu"
    mastodon.variant.save(update_fields=["link"])

    publish(mastodon)

    assert SandboxPost.objects.get().text == f"{mastodon.variant.text}\n\nhttps://example.org/flu"


def test_each_image_is_uploaded_with_its_alt_text_in_the_variants_language_then_posted_in_order(mastodon):
    mastodon.variant.language = "fr"
    mastodon.variant.save(update_fields=["language"])
    second = attach(mastodon, "queue", image_bytes(1200, 675), {"en": "People queueing", "fr": "Une file"}, 2)
    first = attach(mastodon, "nurse", image_bytes(1080, 1350), {"fr": "Une infirmière"}, 1)

    publish(mastodon)

    post = SandboxPost.objects.get()
    uploads = {m.remote_id: m for m in SandboxMedia.objects.all()}
    assert [(uploads[m["id"]].sha256, uploads[m["id"]].description) for m in post.media] == [
        (first.checksum, "Une infirmière"),
        (second.checksum, "Une file"),
    ]
    assert calls(mastodon) == ["POST /api/v2/media", "POST /api/v2/media", "POST /api/v1/statuses"]


def test_a_video_still_processing_is_waited_for_before_the_status(mastodon):
    attach(mastodon, "clip", MP4, {"en": "A nurse explains the jab"}, 0, mime_type="video/mp4", kind="video")

    publish(mastodon)

    statuses = [status for _, _, status in mastodon.contract.calls]
    assert statuses[0] == 202 and 206 in statuses and statuses[-1] == 200
    assert calls(mastodon)[-1] == "POST /api/v1/statuses"
    assert SandboxPost.objects.get().media == [{"id": SandboxMedia.objects.get().remote_id}]


def test_the_first_comment_is_a_reply_to_the_status(mastodon):
    mastodon.variant.first_comment = "Find your nearest pharmacy on our site."
    mastodon.variant.save(update_fields=["first_comment"])

    published = publish(mastodon)

    status, reply = SandboxPost.objects.order_by("pk")
    assert (reply.reply_to, reply.text) == (status.remote_id, mastodon.variant.first_comment)
    assert published.remote_id == status.remote_id and published.notes == ()


def test_a_refused_first_comment_leaves_the_publication_published_and_says_so(mastodon):
    mastodon.variant.first_comment = "Find your nearest pharmacy."
    mastodon.variant.save(update_fields=["first_comment"])
    fault(mastodon, "latency", remaining=1, latency_ms=0)  # the status passes
    fault(mastodon, "reject", remaining=1)  # the reply is refused

    published = publish(mastodon)

    assert published.remote_id == SandboxPost.objects.get().remote_id
    assert "First comment not posted" in published.notes[0]


def test_a_retry_with_the_same_key_gets_the_same_status_back(mastodon):
    first, second = publish(mastodon), publish(mastodon)

    assert first.remote_id == second.remote_id == SandboxPost.objects.get().remote_id


def test_a_lost_reply_is_found_again_in_the_accounts_recent_statuses(mastodon):
    fault(mastodon, "drop_reply", remaining=1)

    with pytest.raises(UnknownOutcome):
        publish(mastodon)
    found = mastodon.adapter.find_existing(Publication.objects.get(pk=mastodon.publication.pk))

    assert found.remote_id == SandboxPost.objects.get().remote_id
    assert calls(mastodon)[-2:] == ["GET /api/v1/accounts/verify_credentials", f"GET /api/v1/accounts/{SandboxAccount.objects.get().pk}/statuses"]  # fmt: skip


def test_nothing_is_found_when_the_status_was_never_stored_or_is_another_publications(mastodon):
    other = builders.make_publication(mastodon.variant, mastodon.account)
    other_post = mastodon.adapter.publish(other)
    Publication.objects.filter(pk=other.pk).update(remote_id=other_post.remote_id)

    assert mastodon.adapter.find_existing(Publication.objects.get(pk=mastodon.publication.pk)) is None


def test_text_over_the_servers_limit_is_refused_with_the_servers_message(mastodon):
    mastodon.variant.text = "a" * 501
    mastodon.variant.save(update_fields=["text"])

    with pytest.raises(Permanent, match="character limit of 500 exceeded"):
        publish(mastodon)

    assert not SandboxPost.objects.exists()


def test_a_rate_limit_is_transient_until_the_reset_time(mastodon):
    fault(mastodon, "rate_limit", remaining=1, retry_after_s=120)

    with pytest.raises(Transient) as raised:
        publish(mastodon)

    assert 110 <= raised.value.retry_after_s <= 120


def test_a_revoked_token_is_an_auth_failure(mastodon):
    fault(mastodon, "unauthorized", remaining=1)

    with pytest.raises(AuthFailed):
        publish(mastodon)


def test_an_expired_token_is_refreshed_through_the_servers_token_endpoint_then_posted(mastodon):
    mastodon.account.credentials = {"access_token": "access-1", "refresh_token": "refresh-1", "client_id": "planner"}
    mastodon.account.save(update_fields=["credentials"])
    remote = SandboxAccount.objects.create(platform="mastodon", token="access-1", refresh_token="refresh-1")
    SandboxAccount.objects.filter(pk=remote.pk).update(token_expires_at=timezone.now() - dt.timedelta(seconds=1))

    publish(mastodon)

    remote.refresh_from_db()
    assert SocialAccount.objects.get(pk=mastodon.account.pk).credentials["access_token"] == remote.token != "access-1"
    assert calls(mastodon) == ["POST /api/v1/statuses", "POST /oauth/token", "POST /api/v1/statuses"]
    assert SandboxPost.objects.get().account == remote


def test_the_servers_limits_are_read_once_and_cached_per_account(mastodon, settings):
    settings.PLATFORM_RULES = {"mastodon": {"text_limit": 100}}  # the sandbox server's own setting
    limits = mastodon.adapter.limits(mastodon.account)

    assert (limits.max_characters, limits.max_media_attachments, limits.characters_reserved_per_url) == (100, 4, 23)
    mastodon.adapter.limits(mastodon.account)
    assert calls(mastodon) == ["GET /api/v2/instance"]


def test_a_text_over_the_servers_limit_is_refused_by_validate_before_posting(mastodon, settings):
    settings.PLATFORM_RULES = {"mastodon": {"text_limit": 100}}
    mastodon.variant.text = "b" * 150

    mastodon.adapter.validate(mastodon.variant, mastodon.account)
    assert calls(mastodon) == []  # validate never waits on the server: it uses what was read
    mastodon.adapter.read_limits(mastodon.account)  # as scheduling does, outside any transaction
    [problem] = mastodon.adapter.validate(mastodon.variant, mastodon.account)

    assert (problem.field, problem.rule) == ("text", "length")
    assert calls(mastodon) == ["GET /api/v2/instance"]


def test_a_server_that_cannot_be_asked_gets_the_documented_defaults(world):
    world.account.api_base_url = "http://127.0.0.1:9/"  # nothing listens there

    assert MastodonAdapter(httpx.Client(timeout=1.0)).limits(world.account) == default_limits()
    assert default_limits().max_characters == 500


def test_links_count_at_the_servers_reserved_length(world):
    # The one seam mocked: the HTTP call, answering a server that reserves 50 characters per link.
    def server(request: httpx.Request) -> httpx.Response:
        config = {"statuses": {"max_characters": 60, "max_media_attachments": 4, "characters_reserved_per_url": 50},
                  "media_attachments": {"image_size_limit": 1000}}  # fmt: skip
        return httpx.Response(200, json={"configuration": config})

    adapter = MastodonAdapter(httpx.Client(transport=httpx.MockTransport(server)))
    world.variant.text = "Read https://ex.org/a today"  # 22 characters, 50 as the server counts
    adapter.read_limits(world.account)

    assert [p.rule for p in adapter.validate(world.variant, world.account)] == ["length"]
    world.variant.text = "Read https://ex.org/a"
    assert adapter.validate(world.variant, world.account) == []


def test_a_status_is_deleted_and_its_counts_are_read(mastodon):
    published = publish(mastodon)
    Publication.objects.filter(pk=mastodon.publication.pk).update(remote_id=published.remote_id)
    publication = Publication.objects.get(pk=mastodon.publication.pk)

    assert set(mastodon.adapter.fetch_metrics(publication)) == {"replies", "reblogs", "favourites"}
    mastodon.adapter.delete(publication)

    assert SandboxPost.objects.get().deleted_at is not None


def test_the_contract_fails_a_field_the_definition_does_not_have_or_a_missing_required_one(mastodon):
    client, headers = mastodon.contract.client(), {"Authorization": f"Bearer {TOKEN}"}
    client.post(mastodon.sandbox + "api/v1/statuses", json={"status": "hi", "link": "https://x.org"}, headers=headers)
    thumbnail = {"thumbnail": ("t.png", image_bytes(8, 8), "image/png")}  # multipart, but no `file`
    client.post(mastodon.sandbox + "api/v2/media", files=thumbnail, data={"description": "no file"}, headers=headers)
    client.get(mastodon.sandbox + "api/v1/accounts/1/statuses", params={"idempotency_key": "k"}, headers=headers)

    problems, mastodon.contract.problems = mastodon.contract.problems, []
    assert any("'link' was unexpected" in p for p in problems), problems
    assert any("POST /sandbox/mastodon/api/v2/media" in p and "'file' is a required property" in p for p in problems), (
        problems
    )
    assert any("query parameters not in the definition: ['idempotency_key']" in p for p in problems)
