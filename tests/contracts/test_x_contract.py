"""The X adapter against the live sandbox, every request and reply checked against the X API v2 definition."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.utils import timezone

from campaigns.models import MediaAsset
from publishing.adapters import REGISTRY
from publishing.adapters.base import AuthFailed, Permanent, Transient, UnknownOutcome
from publishing.adapters.x import XAdapter
from publishing.models import Publication, SocialAccount
from publishing.sandbox.models import SandboxAccount, SandboxMedia, SandboxPost
from tests import builders
from tests.contracts.on_sandbox import TOKEN, fault, publication
from tests.contracts.on_sandbox import attach as shared_attach
from tests.sandbox.conftest import animated_gif_bytes, image_bytes

DEFINITION = "x"
# An MP4 header, then enough bytes for two segments of the chunked upload (4 MiB each).
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (5 * 1024 * 1024)
HEALTH_WORKER = "\U0001f9d1\u200d\u2695\ufe0f"  # a ZWJ sequence: one emoji, weight 2


@pytest.fixture(autouse=True)
def quick_faults(settings: object) -> None:
    settings.SANDBOX_TIMEOUT_SLEEP_S = 0.3


@pytest.fixture
def on_x(world, live_server, transactional_db, contract):
    """The ministry's X account (a bare access token, as the benchmarks seed) on the sandbox, an X variant, the adapter."""
    world.sandbox = f"{live_server.url}/sandbox/x/"
    world.account = builders.make_account(
        world.ministry, platform="x", handle="@MinistryHealth", api_base_url=world.sandbox
    )
    world.variant = builders.make_variant(
        world.item, platform="x", text="Flu season is here. Book your free jab. #FluVaccine"
    )
    world.publication = builders.make_publication(world.variant, world.account)
    world.adapter = XAdapter(contract.client(timeout=5.0))
    world.contract = contract
    return world


def attach(world: object, title: str, content: bytes, alt: str, position: int, kind: str, mime_type: str) -> MediaAsset:
    return shared_attach(world, title, content, {"en": alt} if alt else {}, position, kind=kind, mime_type=mime_type)


def publish(world: object) -> object:
    return world.adapter.publish(publication(world))


def calls(world: object) -> list[str]:
    return [f"{method} {path.removeprefix('/sandbox/x')}" for method, path, _ in world.contract.calls]


def test_x_publishes_through_its_own_adapter_without_an_idempotency_window():
    assert REGISTRY["x"] is XAdapter
    assert XAdapter.idempotency_window is None


def test_a_text_post_is_made_with_a_bare_access_token_and_filed_under_the_idempotency_key(on_x):
    published = publish(on_x)

    post = SandboxPost.objects.get()
    assert (published.remote_id, post.text) == (post.remote_id, on_x.variant.text)
    assert post.idempotency_key == str(on_x.publication.idempotency_key)
    assert published.url == f"https://x.com/MinistryHealth/status/{post.remote_id}"
    assert calls(on_x) == ["POST /2/tweets"]


def test_four_images_go_up_in_chunks_with_their_alt_text_then_are_posted_in_order(on_x):
    cards = [
        attach(on_x, f"card{n}", image_bytes(600 + n, 400), f"Card {n}", n, "image", "image/png") for n in range(4)
    ]

    publish(on_x)

    post, uploads = SandboxPost.objects.get(), {m.remote_id: m for m in SandboxMedia.objects.all()}
    assert post.payload["media"]["media_ids"] == [m["id"] for m in post.media]
    assert [(uploads[m["id"]].sha256, uploads[m["id"]].description) for m in post.media] == [
        (card.checksum, f"Card {n}") for n, card in enumerate(cards)
    ]
    per_image = ["POST /2/media/upload/initialize", "POST /2/media/upload/{id}/append", "POST /2/media/upload/{id}/finalize", "POST /2/media/metadata"]  # fmt: skip
    shapes = [c if not c.startswith("POST /2/media/upload/") or c.endswith("initialize") else
              "POST /2/media/upload/{id}/" + c.rsplit("/", 1)[1] for c in calls(on_x)]  # fmt: skip
    assert shapes == per_image * 4 + ["POST /2/tweets"]


def test_a_video_goes_up_in_segments_and_is_posted_once_x_has_processed_it(on_x):
    attach(on_x, "clip", MP4, "A nurse explains the jab", 0, "video", "video/mp4")

    publish(on_x)

    appends = [r for r in on_x.contract.requests if r.url.path.endswith("/append")]
    indexes = [b'name="segment_index"\r\n\r\n%d\r\n' % n in append.content for n, append in enumerate(appends)]
    assert indexes == [True, True]
    assert any(c.startswith("GET /2/media/upload") for c in calls(on_x)), calls(on_x)
    status_polls = [r for r in on_x.contract.requests if r.method == "GET"]
    assert status_polls[0].url.params["command"] == "STATUS"
    media = SandboxMedia.objects.get()
    assert (media.type, media.sha256, media.size_bytes) == ("video", hashlib.sha256(MP4).hexdigest(), len(MP4))
    assert SandboxPost.objects.get().media == [{"id": media.remote_id}] and calls(on_x)[-1] == "POST /2/tweets"


def test_a_gif_beside_an_image_is_refused_by_validate_and_nothing_is_sent(on_x):
    attach(on_x, "anim", animated_gif_bytes(), "A moving card", 0, "gif", "image/gif")
    attach(on_x, "still", image_bytes(), "A still card", 1, "image", "image/png")

    assert [p.rule for p in on_x.adapter.validate(on_x.variant, on_x.account)] == ["media_mixed"]
    with pytest.raises(Permanent, match="never mixed"):
        publish(on_x)
    assert calls(on_x) == []


def test_a_single_gif_goes_up_as_a_tweet_gif_and_waits_for_processing(on_x):
    attach(on_x, "anim", animated_gif_bytes(), "A moving card", 0, "gif", "image/gif")

    publish(on_x)

    init = next(r for r in on_x.contract.requests if r.url.path.endswith("/initialize"))
    assert b'"media_category":"tweet_gif"' in init.content.replace(b" ", b"")
    assert SandboxMedia.objects.get().type == "gifv"


def test_text_is_counted_the_weighted_way_and_refused_before_any_request(on_x):
    # 100 emoji (200), a space, a link (23), a space, 27 CJK characters (54) and a letter: exactly 280.
    on_x.variant.text = HEALTH_WORKER * 100 + " https://example.org/a/very/long/path/to/the/flu/page " + "疫" * 27 + "b"
    assert on_x.adapter.validate(on_x.variant, on_x.account) == []

    on_x.variant.text += "a"
    on_x.variant.save(update_fields=["text"])
    [problem] = on_x.adapter.validate(on_x.variant, on_x.account)
    assert (problem.field, problem.rule) == ("text", "length") and "281 of 280" in problem.message
    with pytest.raises(Permanent, match="281 of 280"):
        publish(on_x)
    assert calls(on_x) == []


def test_a_rate_limit_is_transient_until_xs_reset_time(on_x):
    fault(on_x, "rate_limit", remaining=1, retry_after_s=120)

    with pytest.raises(Transient) as raised:
        publish(on_x)

    assert 110 <= raised.value.retry_after_s <= 120
    assert raised.value.status == 429 and "Too Many Requests" in str(raised.value)


def test_an_expired_token_is_refreshed_at_xs_token_endpoint_with_basic_auth_then_posted(on_x):
    credentials = {
        "access_token": "access-1",
        "refresh_token": "refresh-1",
        "client_id": "planner",
        "client_secret": "s3",
    }
    SocialAccount.objects.filter(pk=on_x.account.pk).update(credentials=credentials)
    remote = SandboxAccount.objects.create(platform="x", token="access-1", refresh_token="refresh-1")
    SandboxAccount.objects.filter(pk=remote.pk).update(token_expires_at=timezone.now() - timezone.timedelta(seconds=1))

    publish(on_x)

    remote.refresh_from_db()
    stored = SocialAccount.objects.get(pk=on_x.account.pk).credentials
    assert stored["access_token"] == remote.token != "access-1" and stored["refresh_token"] == remote.refresh_token
    assert calls(on_x) == ["POST /2/tweets", "POST /2/oauth2/token", "POST /2/tweets"]
    token_request = on_x.contract.requests[1]
    assert token_request.headers["Authorization"] == "Basic " + base64.b64encode(b"planner:s3").decode()
    assert b"client_secret" not in token_request.content
    assert SandboxPost.objects.get().account == remote


def test_a_revoked_token_is_an_auth_failure_without_a_refresh(on_x):
    fault(on_x, "unauthorized", remaining=1)

    with pytest.raises(AuthFailed, match="Unauthorized"):
        publish(on_x)
    assert calls(on_x) == ["POST /2/tweets"]


def test_the_same_text_again_is_refused_as_duplicate_content(on_x):
    publish(on_x)
    again = builders.make_publication(on_x.variant, on_x.account)

    with pytest.raises(Permanent, match="duplicate") as raised:
        on_x.adapter.publish(again)

    assert not isinstance(raised.value, AuthFailed) and raised.value.status == 403
    assert SandboxPost.objects.count() == 1


def test_a_refusal_carries_xs_own_detail(on_x):
    fault(on_x, "reject", remaining=1)

    with pytest.raises(Permanent, match=r"\(403\): You are not permitted to perform this action"):
        publish(on_x)


def test_a_lost_reply_is_found_again_among_the_accounts_posts_since_the_first_attempt(on_x):
    on_x.variant.text = "Flu & you: book at https://example.org/flu today"
    on_x.variant.save(update_fields=["text"])
    attach(on_x, "card", image_bytes(), "A card", 0, "image", "image/png")
    fault(on_x, "drop_reply", remaining=1)

    with pytest.raises(UnknownOutcome):
        publish(on_x)
    found = on_x.adapter.find_existing(publication(on_x))

    post = SandboxPost.objects.get()
    assert found.remote_id == post.remote_id
    assert calls(on_x)[-2:] == ["GET /2/users/me", f"GET /2/users/{post.account.pk}/tweets"]
    listing = on_x.contract.requests[-1].url.params
    assert listing["exclude"] == "replies,retweets" and listing["start_time"].endswith("Z")


def test_nothing_is_found_when_two_posts_could_be_it_or_the_one_is_another_publications(on_x):
    other = builders.make_publication(on_x.variant, on_x.account)
    made = on_x.adapter.publish(other)
    Publication.objects.filter(pk=other.pk).update(remote_id=made.remote_id)
    assert on_x.adapter.find_existing(publication(on_x)) is None

    # The platform's record holds the same text twice (a person posted it by hand): which is ours cannot be told.
    first = SandboxPost.objects.get()
    SandboxPost.objects.create(account=first.account, remote_id="1234567890123", text=first.text)
    Publication.objects.filter(pk=other.pk).update(remote_id="")
    assert on_x.adapter.find_existing(publication(on_x)) is None


def test_the_first_comment_is_a_reply_to_the_post(on_x):
    on_x.variant.first_comment = "Find your nearest pharmacy on our site."
    on_x.variant.save(update_fields=["first_comment"])

    published = publish(on_x)

    post, reply = SandboxPost.objects.order_by("pk")
    assert (reply.reply_to, reply.text) == (post.remote_id, on_x.variant.first_comment)
    assert reply.payload["reply"] == {"in_reply_to_tweet_id": post.remote_id}
    assert published.remote_id == post.remote_id and published.notes == ()


def test_a_post_is_deleted_and_its_public_metrics_are_read(on_x):
    published = publish(on_x)
    Publication.objects.filter(pk=on_x.publication.pk).update(remote_id=published.remote_id)

    metrics = on_x.adapter.fetch_metrics(publication(on_x))
    on_x.adapter.delete(publication(on_x))

    assert {"retweet_count", "reply_count", "like_count", "quote_count", "impression_count"} <= set(metrics)
    assert on_x.contract.requests[1].url.params["tweet.fields"] == "public_metrics"
    assert SandboxPost.objects.get().deleted_at is not None
    with pytest.raises(Permanent, match="Could not find tweet"):
        on_x.adapter.fetch_metrics(publication(on_x))


def test_the_contract_fails_a_field_the_definition_does_not_have_or_a_missing_required_one(on_x):
    client, headers = on_x.contract.client(), {"Authorization": f"Bearer {TOKEN}"}
    client.post(on_x.sandbox + "2/tweets", json={"text": "hi", "link": "https://x.org"}, headers=headers)
    client.post(on_x.sandbox + "2/media/metadata", json={"metadata": {}}, headers=headers)
    client.get(on_x.sandbox + "2/users/1/tweets", params={"idempotency_key": "k"}, headers=headers)

    problems, on_x.contract.problems = on_x.contract.problems, []
    assert any("'link' was unexpected" in p for p in problems), problems
    assert any("'id' is a required property" in p for p in problems), problems
    assert any("query parameters not in the definition: ['idempotency_key']" in p for p in problems), problems
