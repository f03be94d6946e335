"""The YouTube adapter over real HTTP against the sandbox's YouTube dialect, every call checked by the discovery document."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from campaigns.models import VariantMedia
from publishing.adapters import REGISTRY
from publishing.adapters.base import Permanent, TokenInvalid, Transient
from publishing.adapters.google import UPLOAD_GRANULE_BYTES, seconds_until_quota_reset
from publishing.adapters.youtube import YouTubeAdapter
from publishing.adapters.youtube_metadata import tags_length, title_and_description
from publishing.models import Publication, SocialAccount
from publishing.sandbox.dialects.youtube import video_id
from publishing.sandbox.models import SandboxAccount, SandboxMedia, SandboxPost
from tests import builders
from tests.contracts import discovery
from tests.contracts.platforms import calls, fault, publish
from tests.sandbox.conftest import image_bytes

TOKEN = "ya29.ministry-access-token"
# An MP4 the sandbox measures as a video, a little over two upload granules: three chunks of 256 KiB at most.
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 2100
TITLE = "Flu jab: what to expect"
DESCRIPTION = "A nurse answers the five questions we hear most.\nSources in the links below."


@pytest.fixture
def on_youtube(world, platform_sandbox):
    """The ministry's channel on the sandbox's YouTube API, an English video variant, the adapter (256 KiB chunks)."""
    platform_sandbox("youtube", YouTubeAdapter, discovery.Contract(discovery.youtube(), "/sandbox/youtube"),
                     handle="@MinistryOfHealth", credentials={"access_token": TOKEN, "refresh_token": "1//refresh-ministry",
                                                               "client_id": "planner.apps", "client_secret": "shh"})  # fmt: skip
    world.variant = builders.make_variant(world.item, platform="youtube", language="en", text=f"{TITLE}\n{DESCRIPTION}")
    world.asset = attach(world, world.variant, VIDEO)
    world.publication = builders.make_publication(world.variant, world.account)
    world.adapter.chunk_bytes = UPLOAD_GRANULE_BYTES
    return world


def attach(world: object, variant: object, content: bytes, kind: str = "video", mime_type: str = "video/mp4") -> object:
    asset = builders.make_media(
        world.ministry, f"{kind}-{VariantMedia.objects.count()}", file=ContentFile(content, name=f"clip.{kind}"),
        checksum=hashlib.sha256(content).hexdigest(), kind=kind, mime_type=mime_type, size_bytes=len(content),
    )  # fmt: skip
    VariantMedia.objects.create(variant=variant, asset=asset, position=VariantMedia.objects.count())
    return asset


def test_youtube_publishes_through_its_own_adapter():
    assert REGISTRY["youtube"] is YouTubeAdapter


def test_a_video_is_uploaded_in_chunks_then_published_public_with_its_title_description_and_tags(on_youtube):
    published = publish(on_youtube)

    post = SandboxPost.objects.get()
    assert post.idempotency_key == str(on_youtube.publication.idempotency_key)
    assert post.payload["snippet"] == {"title": TITLE, "description": DESCRIPTION, "defaultLanguage": "en",
                                       "tags": ["FluVaccine"]}  # fmt: skip
    assert post.payload["status"] == {"privacyStatus": "public"}
    assert SandboxMedia.objects.get().sha256 == on_youtube.asset.checksum
    assert (published.remote_id, published.notes) == (video_id(post.remote_id), ())
    assert published.url == f"https://www.youtube.com/watch?v={published.remote_id}"
    assert calls(on_youtube) == [
        "POST upload/youtube/v3/videos 200", "PUT upload/youtube/v3/videos 308",
        "PUT upload/youtube/v3/videos 308", "PUT upload/youtube/v3/videos 200",
    ]  # fmt: skip


def test_the_items_other_language_youtube_variants_become_localizations(on_youtube):
    french = builders.make_variant(on_youtube.item, platform="youtube", language="fr",
                                   text="Vaccin grippe : à quoi s'attendre\nUne infirmière répond.")  # fmt: skip
    VariantMedia.objects.create(variant=french, asset=on_youtube.asset, position=0)  # the same video, dubbed
    builders.make_variant(on_youtube.item, platform="mastodon", language="ar", text="ليس على يوتيوب")

    publish(on_youtube)

    payload = SandboxPost.objects.get().payload
    assert payload["part"] == "localizations,snippet,status"
    assert payload["localizations"] == {
        "fr": {"title": "Vaccin grippe : à quoi s'attendre", "description": "Une infirmière répond."}
    }


def test_an_upload_dropped_mid_chunk_resumes_from_the_range_the_session_reports(on_youtube):
    fault(on_youtube, "timeout", applies_to="media", remaining=1)  # the first chunk: half of it arrives, then 504

    publish(on_youtube)

    assert SandboxMedia.objects.get().sha256 == on_youtube.asset.checksum  # every byte once, in order
    sent = [r.headers.get("Content-Range") for r in on_youtube.contract.requests]
    total = len(VIDEO)
    assert sent[1:] == [
        f"bytes 0-262143/{total}",  # answered 504 after half of it arrived
        f"bytes */{total}",  # the session's state: 308 with Range bytes=0-131071
        f"bytes 131072-393215/{total}",
        f"bytes 393216-{total - 1}/{total}",
    ]
    assert [status for _, _, status in on_youtube.contract.calls] == [200, 504, 308, 308, 200]


def test_a_lost_reply_to_the_last_chunk_is_recovered_from_the_session_without_a_second_video(on_youtube):
    fault(on_youtube, "drop_reply", remaining=1)

    published = publish(on_youtube)

    assert published.remote_id == video_id(SandboxPost.objects.get().remote_id)
    assert calls(on_youtube)[-2:] == ["PUT upload/youtube/v3/videos 504", "PUT upload/youtube/v3/videos 200"]


def test_a_title_with_a_less_than_sign_is_refused_by_validate_before_any_request(on_youtube):
    on_youtube.variant.text = "Flu <2026> campaign\nDetails inside."

    (problem,) = on_youtube.adapter.validate(on_youtube.variant)

    assert (problem.field, problem.rule) == ("text", "title_characters")
    assert problem.message == "The title (the text's first line) cannot hold < > on YouTube."
    with pytest.raises(Permanent, match="title"):
        on_youtube.adapter.publish(Publication(variant=on_youtube.variant, account=on_youtube.account))
    assert on_youtube.contract.calls == []


def test_the_title_is_the_first_line_and_the_description_does_not_repeat_it(on_youtube):
    on_youtube.variant.text = "t" * 100 + "\nDose <2 ml> for children."

    (problem,) = on_youtube.adapter.validate(on_youtube.variant)  # 100 characters: the title fits

    assert title_and_description(on_youtube.variant) == ("t" * 100, "Dose <2 ml> for children.")
    assert problem.rule == "description_characters" and "description" in problem.message
    on_youtube.variant.text = "t" * 101
    assert [(p.rule, p.message) for p in on_youtube.adapter.validate(on_youtube.variant)] == [
        ("title_length", "The title (the text's first line) takes at most 100 characters on YouTube; it has 101.")
    ]


def test_a_variant_without_a_video_or_with_an_image_is_refused_by_validate(on_youtube):
    attach(on_youtube, on_youtube.variant, image_bytes(64, 64), kind="image", mime_type="image/png")
    assert [p.rule for p in on_youtube.adapter.validate(on_youtube.variant)] == ["media_count"]

    VariantMedia.objects.filter(variant=on_youtube.variant).delete()
    assert [p.rule for p in on_youtube.adapter.validate(on_youtube.variant)] == ["media_count"]
    assert on_youtube.contract.calls == []


def test_titles_descriptions_and_tags_are_held_to_youtubes_limits(on_youtube):
    on_youtube.variant.text = "t" * 101 + "\n" + "é" * 2_501  # 5,002 bytes
    on_youtube.variant.item.campaign.hashtags = [
        f"#tag number {n}" for n in range(40)
    ]  # quoted, with commas: 40*14+39 > 500

    rules = {p.rule for p in on_youtube.adapter.validate(on_youtube.variant)}

    assert rules == {"title_length", "description_length", "tags_length"}
    assert tags_length(["a b", "c"]) == len('"a b",c')


def test_quota_exhausted_is_transient_until_midnight_pacific(on_youtube):
    fault(on_youtube, "rate_limit", remaining=1)

    with pytest.raises(Transient, match="quotaExceeded") as raised:
        publish(on_youtube)

    assert abs(raised.value.retry_after_s - seconds_until_quota_reset()) < 5
    assert not SandboxPost.objects.exists()


def test_midnight_pacific_is_counted_in_pacific_time_across_daylight_saving():
    winter = dt.datetime(2026, 1, 15, 7, 0, tzinfo=dt.UTC)  # 23:00 PST
    summer = dt.datetime(2026, 7, 15, 6, 0, tzinfo=dt.UTC)  # 23:00 PDT

    assert seconds_until_quota_reset(winter) == seconds_until_quota_reset(summer) == 3600


def test_an_expired_token_is_refreshed_at_the_token_uri_and_the_refresh_token_kept(on_youtube):
    remote = SandboxAccount.objects.create(platform="youtube", token=TOKEN, refresh_token="1//refresh-ministry")
    SandboxAccount.objects.filter(pk=remote.pk).update(token_expires_at=timezone.now() - dt.timedelta(seconds=1))

    publish(on_youtube)

    credentials = SocialAccount.objects.get(pk=on_youtube.account.pk).credentials
    remote.refresh_from_db()
    assert credentials["access_token"] == remote.token != TOKEN
    assert credentials["refresh_token"] == "1//refresh-ministry"  # Google sends none back: the stored one stays
    assert calls(on_youtube)[:3] == ["POST upload/youtube/v3/videos 401", "POST oauth/token 200", "POST upload/youtube/v3/videos 200"]  # fmt: skip
    assert SandboxPost.objects.get().account == remote


def test_a_refused_token_without_a_refresh_token_is_an_authentication_failure(on_youtube):
    on_youtube.account.credentials = {"access_token": TOKEN}
    on_youtube.account.save(update_fields=["credentials"])
    fault(on_youtube, "unauthorized", remaining=1)

    with pytest.raises(TokenInvalid, match="authError"):
        publish(on_youtube)


def test_an_upload_forced_private_is_published_with_a_note_saying_so(on_youtube, settings):
    settings.SANDBOX_YOUTUBE_AUDITED = False  # as for an API project Google has not audited

    published = publish(on_youtube)

    assert SandboxPost.objects.get().payload["status"] == {"privacyStatus": "public"}  # asked public
    assert "private" in published.notes[0] and "audited" in published.notes[0]


def test_rejected_metadata_is_permanent(on_youtube):
    fault(on_youtube, "reject", remaining=1)

    with pytest.raises(Permanent, match="invalidVideoMetadata"):
        publish(on_youtube)


def test_a_lost_upload_is_found_by_its_title_since_the_first_attempt(on_youtube):
    published = publish(on_youtube)

    found = on_youtube.adapter.find_existing(Publication.objects.get(pk=on_youtube.publication.pk))

    assert found == type(found)(remote_id=published.remote_id, url=published.url)
    assert calls(on_youtube)[-1] == "GET youtube/v3/search 200"


def test_nothing_is_found_when_never_uploaded_or_when_two_videos_have_the_title(on_youtube):
    publication = Publication.objects.get(pk=on_youtube.publication.pk)
    assert on_youtube.adapter.find_existing(publication) is None

    on_youtube.adapter.publish(builders.make_publication(on_youtube.variant, on_youtube.account))
    on_youtube.adapter.publish(builders.make_publication(on_youtube.variant, on_youtube.account))

    assert on_youtube.adapter.find_existing(publication) is None


def test_a_title_with_an_ampersand_is_matched_though_search_answers_it_escaped(on_youtube):
    on_youtube.variant.text = "Flu & COVID: one visit\nBoth jabs, same day."
    on_youtube.variant.save(update_fields=["text"])
    publish(on_youtube)

    assert on_youtube.adapter.find_existing(Publication.objects.get(pk=on_youtube.publication.pk)) is not None


def test_a_video_is_deleted_and_its_statistics_are_read(on_youtube):
    published = publish(on_youtube)
    Publication.objects.filter(pk=on_youtube.publication.pk).update(remote_id=published.remote_id)
    publication = Publication.objects.get(pk=on_youtube.publication.pk)

    assert set(on_youtube.adapter.fetch_metrics(publication)) == {
        "viewCount",
        "likeCount",
        "favoriteCount",
        "commentCount",
    }
    on_youtube.adapter.delete(publication)
    on_youtube.adapter.delete(publication)  # already gone: done

    assert SandboxPost.objects.get().deleted_at is not None
    assert calls(on_youtube)[-3:] == ["GET youtube/v3/videos 200", "DELETE youtube/v3/videos 204", "DELETE youtube/v3/videos 404"]  # fmt: skip


def test_with_the_default_8_mib_chunks_a_3_mb_video_goes_in_one_request(on_youtube):
    VariantMedia.objects.filter(variant=on_youtube.variant).delete()
    attach(on_youtube, on_youtube.variant, VIDEO * 6)  # 3.2 MB: above what Django reads into request.body
    on_youtube.adapter.chunk_bytes = YouTubeAdapter.chunk_bytes

    publish(on_youtube)

    assert SandboxMedia.objects.get().size_bytes == len(VIDEO) * 6
    assert calls(on_youtube) == ["POST upload/youtube/v3/videos 200", "PUT upload/youtube/v3/videos 200"]


def test_the_first_comment_is_posted_under_the_video_once_it_is_published(on_youtube):
    on_youtube.variant.first_comment = "Book your jab: https://example.org/flu"
    on_youtube.variant.save(update_fields=["first_comment"])

    published = publish(on_youtube)

    video, comment = SandboxPost.objects.order_by("pk")
    assert published.notes == () and comment.reply_to == video.remote_id
    assert comment.payload["snippet"] == {
        "videoId": published.remote_id,
        "topLevelComment": {"snippet": {"textOriginal": "Book your jab: https://example.org/flu"}},
    }
    assert calls(on_youtube)[-2:] == ["GET youtube/v3/commentThreads 200", "POST youtube/v3/commentThreads 200"]


def test_a_refused_first_comment_is_a_note_and_the_video_still_published(on_youtube):
    on_youtube.variant.first_comment = "Book your jab."
    on_youtube.variant.save(update_fields=["first_comment"])
    fault(on_youtube, "latency", latency_ms=0, remaining=1)  # taken by the upload's start
    fault(on_youtube, "reject", remaining=1)  # taken by the comment

    published = publish(on_youtube)

    assert published.remote_id == video_id(SandboxPost.objects.get().remote_id)
    assert published.notes == (
        "First comment not posted: Google refused the request (400 invalidVideoMetadata: "
        "The request metadata is invalid (sandbox fault).)",
    )


def test_publishing_again_after_the_comments_reply_was_lost_does_not_double_it(on_youtube):
    on_youtube.variant.first_comment = "Book your jab."
    on_youtube.variant.save(update_fields=["first_comment"])
    fault(on_youtube, "drop_reply", remaining=2)  # the video's last chunk, then the comment: both stored

    first = publish(on_youtube)
    again = publish(on_youtube)  # the whole publication once more: the video comes back under its key

    assert "First comment not posted" in first.notes[0] and again.notes == ()
    assert again.remote_id == first.remote_id
    assert SandboxPost.objects.exclude(reply_to="").count() == 1
    assert calls(on_youtube)[-1] == "GET youtube/v3/commentThreads 200"


def test_a_first_comment_over_youtubes_limit_is_refused_by_validate(on_youtube):
    on_youtube.variant.first_comment = "a" * 10_001

    (problem,) = on_youtube.adapter.validate(on_youtube.variant)

    assert (problem.field, problem.rule) == ("first_comment", "comment_length")
