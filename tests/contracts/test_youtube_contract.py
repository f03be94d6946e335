"""The YouTube adapter's requests and the sandbox's replies, checked against Google's discovery document.

The adapter's own behaviour is in tests/publishing/test_youtube_adapter.py, whose every call is checked the
same way; here: each endpoint's replies in every part, and the checks failing what the document lacks.
"""

from __future__ import annotations

import httpx
import pytest

from publishing.adapters.youtube import YouTubeAdapter
from publishing.models import Publication
from publishing.sandbox.models import RevokedToken, SandboxAccount
from tests import builders
from tests.contracts import discovery
from tests.contracts.platforms import fault
from tests.publishing.test_youtube_adapter import TOKEN, VIDEO, attach


@pytest.fixture
def channel(world, platform_sandbox):
    """The ministry's channel with one video published through the adapter; a checked client with its token."""
    contract = discovery.Contract(discovery.youtube(), "/sandbox/youtube")
    platform_sandbox("youtube", YouTubeAdapter, contract, handle="@Ministry", credentials={"access_token": TOKEN})
    world.variant = builders.make_variant(world.item, platform="youtube", text="Flu jab & you\nWhat to expect.")
    attach(world, world.variant, VIDEO)
    french = builders.make_variant(world.item, platform="youtube", language="fr", text="Grippe\nÀ quoi s'attendre.")
    french.attachments.create(asset=world.variant.attachments.get().asset, position=0)
    world.video = world.adapter.publish(builders.make_publication(world.variant, world.account)).remote_id
    world.client = contract.client(base_url=world.sandbox, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5.0)
    return world


def test_every_part_of_a_listed_video_matches_the_video_schema(channel):
    reply = channel.client.get(
        "youtube/v3/videos", params={"part": "snippet,status,statistics,localizations", "id": channel.video}
    )

    (video,) = reply.json()["items"]
    assert set(video) == {"kind", "etag", "id", "snippet", "status", "statistics", "localizations"}
    assert video["localizations"] == {"fr": {"title": "Grippe", "description": "À quoi s'attendre."}}


def test_search_results_match_the_search_schema(channel):
    reply = channel.client.get(
        "youtube/v3/search", params={"part": "snippet", "forMine": "true", "type": "video", "order": "date"}
    )

    (item,) = reply.json()["items"]
    assert item["id"] == {"kind": "youtube#video", "videoId": channel.video}
    assert item["snippet"]["title"] == "Flu jab &amp; you"  # as YouTube answers it


def test_errors_have_googles_shape(channel):
    fault(channel, "rate_limit", remaining=1, applies_to="all")
    quota = channel.client.get("youtube/v3/videos", params={"part": "statistics", "id": channel.video})
    missing = channel.client.delete("youtube/v3/videos", params={"id": "AAAAAAAAAAA"})
    anonymous = channel.contract.client().get(channel.sandbox + "youtube/v3/videos", params={"part": "id"})

    assert (quota.status_code, quota.json()["error"]["errors"][0]["reason"]) == (403, "quotaExceeded")
    assert (missing.status_code, missing.json()["error"]["errors"][0]["reason"]) == (404, "videoNotFound")
    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, 401)


def test_the_contract_fails_a_field_the_video_schema_lacks_an_unknown_parameter_and_a_missing_part(channel):
    start = "upload/youtube/v3/videos?uploadType=resumable&part=snippet,status"
    headers = {"X-Upload-Content-Length": "10"}
    channel.client.post(start, json={"snippet": {"title": "T", "link": "https://x.org"}}, headers=headers)
    channel.client.post(start, json={"snippet": {"title": "T"}, "visibility": "public"}, headers=headers)
    channel.client.get("youtube/v3/videos", params={"id": channel.video, "idempotency_key": "k"})
    channel.client.get("youtube/v3/videos", params={"id": channel.video})
    channel.client.get("youtube/v3/search", params={"part": "snippet", "forMine": "yes", "type": "video"})
    channel.client.get("youtube/v3/posts")

    problems, channel.contract.problems = channel.contract.problems, []
    assert any("'link' was unexpected" in p for p in problems), problems
    assert any("'visibility' was unexpected" in p for p in problems), problems
    assert any("not in the discovery document: ['idempotency_key']" in p for p in problems), problems
    assert any("required query parameters missing: ['part']" in p for p in problems), problems
    assert any("forMine='yes' is not a boolean" in p for p in problems), problems
    assert any("GET /youtube/v3/posts (404): no method" in p for p in problems), problems


def test_the_contract_fails_a_reply_with_a_field_the_schema_lacks(channel):
    reply = httpx.Response(200, json={"kind": "youtube#videoListResponse", "items": [{"id": "x", "url": "u"}]},
                           request=httpx.Request("GET", channel.sandbox + "youtube/v3/videos?part=id&id=x"))  # fmt: skip

    channel.contract.check(reply)

    problems, channel.contract.problems = channel.contract.problems, []
    assert any("'url' was unexpected" in p for p in problems), problems


def test_a_publication_found_again_reads_only_documented_parameters(channel):
    publication = Publication.objects.get()
    YouTubeAdapter(channel.contract.client(timeout=5.0)).find_existing(publication)

    assert channel.contract.calls[-1][:2] == ("GET", "/sandbox/youtube/youtube/v3/search")


def test_a_comment_thread_inserted_and_listed_matches_the_comment_thread_schema(channel):
    thread = {"videoId": channel.video, "topLevelComment": {"snippet": {"textOriginal": "Book your jab."}}}
    created = channel.client.post("youtube/v3/commentThreads", params={"part": "snippet"}, json={"snippet": thread})
    listed = channel.client.get("youtube/v3/commentThreads", params={"part": "snippet", "videoId": channel.video})

    assert created.status_code == 200 and listed.json()["items"] == [created.json()]
    assert created.json()["snippet"]["topLevelComment"]["snippet"]["textOriginal"] == "Book your jab."


def test_comment_refusals_are_the_errors_youtube_documents(channel):
    def insert(snippet: dict) -> str:
        reply = channel.client.post("youtube/v3/commentThreads", params={"part": "snippet"}, json={"snippet": snippet})
        return f"{reply.status_code} {reply.json()['error']['errors'][0]['reason']}"

    text = {"topLevelComment": {"snippet": {"textOriginal": "a" * 10_001}}}
    assert insert({}) == "400 channelOrVideoIdMissing"
    assert insert({"videoId": channel.video}) == "400 invalidCommentThreadMetadata"
    assert insert({"videoId": channel.video, **text}) == "400 commentTextTooLong"
    assert insert({"videoId": "AAAAAAAAAAA", **text}) == "404 videoNotFound"


def test_the_tokens_own_channel_matches_the_channel_schema_and_a_revoked_token_is_googles_401(channel):
    mine = channel.client.get("youtube/v3/channels", params={"part": "snippet", "mine": "true"})
    RevokedToken.objects.create(account=SandboxAccount.objects.get(), kind="access", token="ya29.old")
    refused = channel.contract.client().get(
        channel.sandbox + "youtube/v3/channels", params={"part": "snippet", "mine": "true"},
        headers={"Authorization": "Bearer ya29.old"},
    )  # fmt: skip

    (found,) = mine.json()["items"]
    assert found["id"].startswith("UC") and found["snippet"]["customUrl"].startswith("@")
    assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert refused.json()["error"]["errors"][0]["reason"] == "authError"
