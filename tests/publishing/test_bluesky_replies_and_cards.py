"""A Bluesky post's first comment (a reply record under its own key) and its link card, against the sandbox."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from planner.addresses import AddressRefused, check_address
from publishing.adapters.bluesky import BlueskyAdapter, comment_key, record_key
from publishing.sandbox.models import SandboxMedia, SandboxPost
from tests.contracts.on_sandbox import BLUESKY_TOKEN, attach, fault, on_bluesky, publication
from tests.sandbox.conftest import image_bytes

pytestmark = pytest.mark.urls("tests.publishing.link_pages")
COMMENT = "اعثر على أقرب صيدلية: @clinic.example.org #لقاح"


@pytest.fixture
def on_bluesky_with_links(world, live_server, transactional_db):
    """The Bluesky account and variant, and an adapter that may read the live server's pages for cards."""
    on_bluesky(world, live_server, "احصل على لقاح الإنفلونزا")
    world.site = live_server.url
    world.adapter = BlueskyAdapter(card_hosts={urlsplit(live_server.url).hostname})
    return world


def with_link(world, path: str) -> None:
    world.variant.link = world.site + path
    world.variant.save(update_fields=["link"])


def with_comment(world) -> None:
    world.variant.first_comment = COMMENT
    world.variant.save(update_fields=["first_comment"])


def test_the_first_comment_is_a_reply_under_its_own_key_with_refs_facets_and_langs(on_bluesky_with_links):
    with_comment(on_bluesky_with_links)

    published = on_bluesky_with_links.adapter.publish(publication(on_bluesky_with_links))

    post, comment = SandboxPost.objects.order_by("pk")
    record = comment.payload["record"]
    assert (
        comment.payload["rkey"]
        == comment_key(on_bluesky_with_links.publication)
        != record_key(on_bluesky_with_links.publication)
    )
    assert record["reply"]["root"] == record["reply"]["parent"]
    assert record["reply"]["parent"]["uri"] == published.remote_id and record["reply"]["parent"]["cid"]
    assert (comment.reply_to, record["text"], record["langs"]) == (post.remote_id, COMMENT, ["ar"])
    assert [f["features"][0]["$type"] for f in record["facets"]] == [
        "app.bsky.richtext.facet#mention", "app.bsky.richtext.facet#tag",
    ]  # fmt: skip
    assert published.notes == ()


def test_a_retry_after_the_comment_was_made_makes_neither_twice(on_bluesky_with_links):
    with_comment(on_bluesky_with_links)
    first = on_bluesky_with_links.adapter.publish(publication(on_bluesky_with_links))

    again = on_bluesky_with_links.adapter.publish(publication(on_bluesky_with_links))

    assert again.remote_id == first.remote_id and again.notes == ()
    assert SandboxPost.objects.count() == 2


def test_a_refused_comment_leaves_the_post_published_with_a_note(on_bluesky_with_links):
    with_comment(on_bluesky_with_links)
    fault(on_bluesky_with_links, "latency", token=BLUESKY_TOKEN, applies_to="create", remaining=1, latency_ms=0)
    fault(on_bluesky_with_links, "reject", token=BLUESKY_TOKEN, applies_to="create", remaining=1)

    published = on_bluesky_with_links.adapter.publish(publication(on_bluesky_with_links))

    assert published.remote_id.endswith(SandboxPost.objects.get().payload["rkey"])
    assert "First comment not posted" in published.notes[0]


def test_a_link_without_images_gets_a_card_with_the_pages_open_graph_and_its_picture(on_bluesky_with_links):
    with_link(on_bluesky_with_links, "/links/flu")

    published = on_bluesky_with_links.adapter.publish(publication(on_bluesky_with_links))

    embed = SandboxPost.objects.get().payload["record"]["embed"]
    card = embed["external"]
    assert embed["$type"] == "app.bsky.embed.external" and published.notes == ()
    assert (card["uri"], card["title"]) == (on_bluesky_with_links.variant.link, "Free flu jabs this week")
    assert card["description"] == "Find a pharmacy near you & book."
    assert card["thumb"]["mimeType"] == "image/png" and SandboxMedia.objects.get().width == 1200


def test_a_card_picture_over_the_blob_limit_is_re_encoded_to_fit(on_bluesky_with_links):
    with_link(on_bluesky_with_links, "/links/noisy")

    on_bluesky_with_links.adapter.publish(publication(on_bluesky_with_links))

    thumb = SandboxPost.objects.get().payload["record"]["embed"]["external"]["thumb"]
    assert thumb["mimeType"] == "image/jpeg" and thumb["size"] <= 1_000_000


def test_a_page_without_open_graph_gives_its_title_and_description_through_a_redirect(on_bluesky_with_links):
    with_link(on_bluesky_with_links, "/links/moved")

    on_bluesky_with_links.adapter.publish(publication(on_bluesky_with_links))

    card = SandboxPost.objects.get().payload["record"]["embed"]["external"]
    assert (card["title"], card["description"]) == ("Opening hours", "Mon to Fri") and "thumb" not in card


def test_a_page_that_cannot_be_read_leaves_the_post_without_a_card_and_says_so(on_bluesky_with_links):
    with_link(on_bluesky_with_links, "/links/nowhere")

    published = on_bluesky_with_links.adapter.publish(publication(on_bluesky_with_links))

    assert "embed" not in SandboxPost.objects.get().payload["record"]
    assert "Link card not added" in published.notes[0] and "404" in published.notes[0]


def test_an_adapter_without_the_allow_list_never_reads_a_loopback_page(on_bluesky_with_links):
    with_link(on_bluesky_with_links, "/links/flu")

    published = BlueskyAdapter().publish(publication(on_bluesky_with_links))

    assert "embed" not in SandboxPost.objects.get().payload["record"]
    assert "not public" in published.notes[0]


def test_images_take_the_place_of_a_card(on_bluesky_with_links):
    with_link(on_bluesky_with_links, "/links/flu")
    attach(on_bluesky_with_links, "nurse", image_bytes(64, 64), {"ar": "ممرضة"})

    on_bluesky_with_links.adapter.publish(publication(on_bluesky_with_links))

    assert SandboxPost.objects.get().payload["record"]["embed"]["$type"] == "app.bsky.embed.images"


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/flu", "http://127.0.0.1/", "http://10.1.2.3/", "http://[::1]/", "http://169.254.169.254/"],
)
def test_only_public_http_addresses_are_read_for_a_card(url):
    with pytest.raises(AddressRefused):
        check_address(url)
