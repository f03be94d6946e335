"""The LinkedIn adapter over real HTTP against the sandbox's LinkedIn dialect, every call checked by name."""

from __future__ import annotations

import datetime as dt
import hashlib

import httpx
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from campaigns.models import VariantMedia
from publishing.adapters import REGISTRY
from publishing.adapters.base import AuthFailed, Permanent, Transient, UnknownOutcome
from publishing.adapters.linkedin import LinkedInAdapter, commentary
from publishing.models import Publication, SocialAccount
from publishing.sandbox.models import SandboxAccount, SandboxMedia, SandboxPost
from tests import builders
from tests.contracts import community
from tests.contracts.platforms import calls, fault, publish
from tests.sandbox.conftest import image_bytes

TOKEN = "AQV-ministry-access-token"
AUTHOR = "urn:li:organization:5583111"


@pytest.fixture
def on_linkedin(world, platform_sandbox):
    """The ministry's LinkedIn page on the sandbox, an English variant for it, the adapter."""
    platform_sandbox("linkedin", LinkedInAdapter, community.Contract("/sandbox/linkedin"), handle="Ministry of Health",
                     credentials={"access_token": TOKEN, "refresh_token": "AQX-refresh", "client_id": "86ab",
                                  "client_secret": "s", "author": AUTHOR})  # fmt: skip
    world.variant = builders.make_variant(
        world.item, platform="linkedin", text="Flu season (2026): book your jab. #FluVaccine"
    )
    world.publication = builders.make_publication(world.variant, world.account)
    return world


def attach(world: object, width: int, alt: str) -> None:
    content = image_bytes(width, 400)
    asset = builders.make_media(world.ministry, f"card-{width}", file=ContentFile(content, name="card.png"),
                                checksum=hashlib.sha256(content).hexdigest(), alt_text={"en": alt}, mime_type="image/png")  # fmt: skip
    VariantMedia.objects.create(variant=world.variant, asset=asset, position=width)


def test_linkedin_publishes_through_its_own_adapter():
    assert REGISTRY["linkedin"] is LinkedInAdapter


def test_a_text_post_is_public_on_the_main_feed_with_its_urn_from_x_restli_id(on_linkedin):
    published = publish(on_linkedin)

    post = SandboxPost.objects.get()
    assert post.idempotency_key == str(on_linkedin.publication.idempotency_key)
    assert post.payload["author"] == AUTHOR and post.payload["visibility"] == "PUBLIC"
    assert (
        post.payload["lifecycleState"] == "PUBLISHED"
        and post.payload["distribution"]["feedDistribution"] == "MAIN_FEED"
    )
    assert published.remote_id == f"urn:li:share:{post.remote_id}"
    assert published.url == f"https://www.linkedin.com/feed/update/{published.remote_id}/"


def test_the_commentary_escapes_little_text_markup_and_templates_hashtags(on_linkedin):
    publish(on_linkedin)

    assert SandboxPost.objects.get().text == r"Flu season \(2026\): book your jab. {hashtag|\#|FluVaccine}"
    on_linkedin.variant.text = "Ask @pharmacist_bob [today] #1 * ~ _ | \\"
    assert commentary(on_linkedin.variant) == r"Ask \@pharmacist\_bob \[today\] {hashtag|\#|1} \* \~ \_ \| \\"


def test_one_image_is_uploaded_then_posted_as_media_with_its_alt_text(on_linkedin):
    attach(on_linkedin, 600, "A nurse with a syringe")

    publish(on_linkedin)

    post, media = SandboxPost.objects.get(), SandboxMedia.objects.get()
    assert post.payload["content"] == {
        "media": {"id": f"urn:li:image:{media.remote_id}", "altText": "A nurse with a syringe"}
    }
    assert media.post == post and media.description == "A nurse with a syringe"
    assert [c.rsplit(" ", 1)[0].split("/")[0] for c in calls(on_linkedin)] == ["POST rest", "PUT upload", "POST rest"]


def test_several_images_become_a_multi_image_post_in_order(on_linkedin):
    attach(on_linkedin, 500, "First")
    attach(on_linkedin, 700, "Second")

    publish(on_linkedin)

    images = SandboxPost.objects.get().payload["content"]["multiImage"]["images"]
    assert [image["altText"] for image in images] == ["First", "Second"]


def test_a_video_is_uploaded_in_the_parts_linkedin_names_finalized_then_posted_with_its_title(on_linkedin):
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 20_000  # over 4 MiB: two parts
    asset = builders.make_media(on_linkedin.ministry, "Nurse explains", file=ContentFile(video, name="clip.mp4"),
                                checksum=hashlib.sha256(video).hexdigest(), kind="video", mime_type="video/mp4")  # fmt: skip
    VariantMedia.objects.create(variant=on_linkedin.variant, asset=asset, position=0)

    publish(on_linkedin)

    media = SandboxMedia.objects.get()
    assert (media.type, media.sha256, media.post) == ("video", asset.checksum, SandboxPost.objects.get())
    assert SandboxPost.objects.get().payload["content"] == {
        "media": {"id": f"urn:li:video:{media.remote_id}", "title": "Nurse explains"}
    }
    assert [c.split("/")[0] + " " + c.rsplit(" ", 1)[1] for c in calls(on_linkedin)] == [
        "POST rest 200",
        "PUT upload 200",
        "PUT upload 200",
        "POST rest 200",
        "POST rest 201",
    ]


def test_a_video_beside_an_image_or_a_text_over_3000_characters_is_refused_by_validate(on_linkedin):
    on_linkedin.variant.text = "a" * 3001
    attach(on_linkedin, 500, "A card")
    clip = builders.make_media(on_linkedin.ministry, "clip", kind="video", mime_type="video/mp4")
    VariantMedia.objects.create(variant=on_linkedin.variant, asset=clip, position=9)

    assert [p.rule for p in on_linkedin.adapter.validate(on_linkedin.variant)] == ["length", "media_mixed"]
    with pytest.raises(Permanent, match="3000"):
        on_linkedin.adapter.publish(Publication(variant=on_linkedin.variant, account=on_linkedin.account))
    assert on_linkedin.contract.calls == []


def test_a_rate_limit_waits_for_midnight_utc(on_linkedin):
    fault(on_linkedin, "rate_limit", remaining=1)

    with pytest.raises(Transient, match="DAY limit") as raised:
        publish(on_linkedin)

    now = timezone.now()
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), dt.UTC)
    assert abs(raised.value.retry_after_s - (midnight - now).total_seconds()) < 5


def test_a_rejected_post_is_permanent_with_linkedins_message(on_linkedin):
    fault(on_linkedin, "reject", remaining=1)

    with pytest.raises(Permanent, match="UNPROCESSABLE_ENTITY"):
        publish(on_linkedin)


def test_an_expired_token_is_refreshed_then_posted(on_linkedin):
    remote = SandboxAccount.objects.create(platform="linkedin", token=TOKEN, refresh_token="AQX-refresh")
    SandboxAccount.objects.filter(pk=remote.pk).update(token_expires_at=timezone.now() - dt.timedelta(seconds=1))

    publish(on_linkedin)

    remote.refresh_from_db()
    assert SocialAccount.objects.get(pk=on_linkedin.account.pk).credentials["access_token"] == remote.token != TOKEN
    assert calls(on_linkedin) == ["POST rest/posts 401", "POST oauth/token 200", "POST rest/posts 201"]


def test_a_lost_reply_is_found_among_the_authors_posts_and_nothing_when_never_sent(on_linkedin):
    assert on_linkedin.adapter.find_existing(Publication.objects.get(pk=on_linkedin.publication.pk)) is None
    fault(on_linkedin, "drop_reply", remaining=1)

    with pytest.raises(UnknownOutcome):
        publish(on_linkedin)
    found = on_linkedin.adapter.find_existing(Publication.objects.get(pk=on_linkedin.publication.pk))

    assert found.remote_id == f"urn:li:share:{SandboxPost.objects.get().remote_id}"


def test_a_post_is_deleted_twice_without_error(on_linkedin):
    published = publish(on_linkedin)
    Publication.objects.filter(pk=on_linkedin.publication.pk).update(remote_id=published.remote_id)
    publication = Publication.objects.get(pk=on_linkedin.publication.pk)

    on_linkedin.adapter.delete(publication)
    on_linkedin.adapter.delete(publication)

    assert SandboxPost.objects.get().deleted_at is not None
    assert calls(on_linkedin)[-2:] == [f"DELETE rest/posts/{published.remote_id.replace(':', '%3A')} 204"] * 2


def test_the_contract_fails_an_unknown_endpoint_parameter_or_body_field(on_linkedin):
    client = on_linkedin.contract.client(base_url=on_linkedin.sandbox, headers={"Authorization": f"Bearer {TOKEN}"})
    client.post("rest/images?action=initializeUpload&owner=x", json={"initializeUploadRequest": {}, "owner": "x"})
    client.post("rest/shares", json={})
    client.get("rest/posts", params={"q": "author", "author": AUTHOR})  # without the version headers

    problems, on_linkedin.contract.problems = on_linkedin.contract.problems, []
    assert any("query parameters not in the definition: ['owner']" in p for p in problems), problems
    assert any("body fields not in the definition: ['owner']" in p for p in problems), problems
    assert any("POST /rest/shares (404): no operation" in p for p in problems), problems
    assert any("headers missing: ['LinkedIn-Version', 'X-Restli-Protocol-Version']" in p for p in problems), problems


def with_first_comment(world: object, text: str = "Where to book: https://example.org/flu") -> None:
    world.variant.first_comment = text
    world.variant.save(update_fields=["first_comment"])


def test_the_first_comment_is_made_on_the_post_by_its_author(on_linkedin):
    with_first_comment(on_linkedin)

    published = publish(on_linkedin)

    post, comment = SandboxPost.objects.order_by("pk")
    assert published.notes == () and comment.reply_to == post.remote_id
    assert comment.payload == {"actor": AUTHOR, "object": published.remote_id,
                               "message": {"text": "Where to book: https://example.org/flu"}}  # fmt: skip
    path = f"rest/socialActions/{published.remote_id.replace(':', '%3A')}/comments"
    assert calls(on_linkedin)[-2:] == [f"GET {path} 200", f"POST {path} 201"]


def test_a_refused_first_comment_is_a_note_and_the_post_still_published(on_linkedin):
    with_first_comment(on_linkedin)
    fault(on_linkedin, "latency", latency_ms=0, remaining=1)  # taken by the post
    fault(on_linkedin, "reject", remaining=1)  # taken by the comment

    published = publish(on_linkedin)

    assert published.remote_id == f"urn:li:share:{SandboxPost.objects.get().remote_id}"
    assert published.notes == (
        "First comment not posted: LinkedIn refused the request (422): 100 UNPROCESSABLE_ENTITY Content refused "
        "(sandbox fault)",
    )


def test_publishing_again_after_the_comments_reply_was_lost_does_not_double_it(on_linkedin):
    with_first_comment(on_linkedin)
    fault(on_linkedin, "latency", latency_ms=0, remaining=1)  # taken by the post
    fault(on_linkedin, "drop_reply", remaining=1)  # the comment is stored, its reply lost

    first = publish(on_linkedin)
    again = publish(on_linkedin)  # the whole publication once more: the post comes back under its key

    assert "First comment not posted" in first.notes[0] and again.notes == ()
    assert again.remote_id == first.remote_id and SandboxPost.objects.exclude(reply_to="").count() == 1
    assert calls(on_linkedin)[-1].startswith("GET rest/socialActions/")


def test_a_first_comment_over_1250_characters_is_refused_by_validate(on_linkedin):
    on_linkedin.variant.first_comment = "a" * 1_251

    assert [(p.field, p.rule) for p in on_linkedin.adapter.validate(on_linkedin.variant)] == [
        ("first_comment", "comment_length")
    ]


def published_post(world: object) -> Publication:
    published = publish(world)
    Publication.objects.filter(pk=world.publication.pk).update(remote_id=published.remote_id)
    return Publication.objects.get(pk=world.publication.pk)


def test_an_organizations_post_has_its_share_statistics(on_linkedin):
    publication = published_post(on_linkedin)

    metrics = on_linkedin.adapter.fetch_metrics(publication)

    assert set(metrics) == {"impressionCount", "uniqueImpressionsCount", "likeCount", "commentCount", "shareCount",
                            "clickCount"}  # fmt: skip
    (request,) = [r for r in on_linkedin.contract.requests if "Statistics" in r.url.path]
    assert request.url.query.decode() == (
        "q=organizationalEntity&organizationalEntity=urn%3Ali%3Aorganization%3A5583111"
        f"&shares=List({publication.remote_id.replace(':', '%3A')})"
    )


def test_a_members_post_has_its_reactions_and_comments_from_social_metadata(on_linkedin):
    on_linkedin.account.credentials["author"] = "urn:li:person:782bbtaQ"
    on_linkedin.account.save(update_fields=["credentials"])
    with_first_comment(on_linkedin)
    publication = published_post(on_linkedin)

    metrics = on_linkedin.adapter.fetch_metrics(publication)

    assert metrics["comments.count"] >= 1 and set(metrics) - {"LIKE"} == {"comments.count", "comments.topLevelCount"}
    assert calls(on_linkedin)[-1].startswith("GET rest/socialMetadata/urn%3Ali%3Ashare%3A")


def test_the_statistics_of_another_authors_post_are_refused_as_linkedin_does(on_linkedin):
    publication = published_post(on_linkedin)
    on_linkedin.account.credentials["author"] = "urn:li:organization:1"
    on_linkedin.account.save(update_fields=["credentials"])

    with pytest.raises(AuthFailed, match="ACCESS_DENIED"):
        on_linkedin.adapter.fetch_metrics(Publication.objects.get(pk=publication.pk))


def test_the_contract_fails_a_comment_field_or_a_reply_field_linkedin_does_not_document(on_linkedin):
    urn = published_post(on_linkedin).remote_id.replace(":", "%3A")
    client = on_linkedin.contract.client(base_url=on_linkedin.sandbox, headers={
        "Authorization": f"Bearer {TOKEN}", "LinkedIn-Version": "202510", "X-Restli-Protocol-Version": "2.0.0"})  # fmt: skip
    client.post(f"rest/socialActions/{urn}/comments", json={"actor": AUTHOR, "message": {"text": "Hi"}, "text": "Hi"})
    request = httpx.Request("GET", f"{on_linkedin.sandbox}v2/userinfo")
    on_linkedin.contract.check(httpx.Response(200, json={"sub": "a1", "vanityName": "ministry"}, request=request))

    problems, on_linkedin.contract.problems = on_linkedin.contract.problems, []
    assert any("body fields not in the definition: ['text']" in p for p in problems), problems
    assert any("GET /v2/userinfo (200) response: Additional properties" in p for p in problems), problems
