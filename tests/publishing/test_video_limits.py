"""Each platform's video limits, refused by its adapter's `validate` and so shown among the editor's checks."""

import pytest

from campaigns.checks import ERROR, WARNING, check_variant
from campaigns.models import VariantMedia
from publishing.adapters import adapter_for
from publishing.adapters.mastodon_limits import DEFAULT_IMAGE_SIZE_LIMIT, ServerLimits, refusals
from tests import builders

MB, GB = 1024 * 1024, 1024 * 1024 * 1024
MINUTE_MS, HOUR_MS = 60_000, 3_600_000
VIDEO_RULES = {"duration", "file_size", "file_type"}


def variant_with_video(world, platform: str, **fields):
    variant = builders.make_variant(world.item, platform=platform, language="fr")  # the world has an English one
    fields = {"kind": "video", "mime_type": "video/mp4"} | fields
    video = builders.make_media(world.ministry, "Clinic tour", **fields)
    VariantMedia.objects.create(variant=variant, asset=video, position=0)
    return variant


def video_problems(variant, severity=ERROR):
    problems = adapter_for(variant.platform).validate(variant)
    return [
        (p.rule, p.variant_id)
        for p in problems
        if p.field == "media" and p.rule in VIDEO_RULES and p.severity == severity
    ]


@pytest.mark.parametrize(
    ("platform", "fields", "rule"),
    [
        ("facebook", {"duration_ms": 4 * HOUR_MS + 1_000}, "duration"),
        ("threads", {"duration_ms": 5 * MINUTE_MS + 1_000}, "duration"),
        ("threads", {"size_bytes": GB + 1}, "file_size"),
        ("linkedin", {"duration_ms": 30 * MINUTE_MS + 1_000}, "duration"),
        ("linkedin", {"duration_ms": 2_000}, "duration"),
        ("linkedin", {"size_bytes": 500 * MB + 1}, "file_size"),
        ("linkedin", {"mime_type": "video/quicktime"}, "file_type"),
        ("youtube", {"duration_ms": 12 * HOUR_MS + 1_000}, "duration"),
        ("youtube", {"size_bytes": 256 * GB + 1}, "file_size"),
        ("mastodon", {"size_bytes": 99 * MB + 1}, "file_size"),
    ],
)
def test_a_video_over_the_platforms_limit_is_refused_naming_the_rule(world, platform, fields, rule):
    variant = variant_with_video(world, platform, **fields)

    assert video_problems(variant) == [(rule, variant.pk)]


@pytest.mark.parametrize(
    ("platform", "duration_ms", "size_bytes"),
    [
        ("facebook", 4 * HOUR_MS, 2 * GB),
        ("threads", 5 * MINUTE_MS, GB),
        ("linkedin", 30 * MINUTE_MS, 500 * MB),
        ("youtube", 12 * MINUTE_MS, 256 * GB),
        ("mastodon", HOUR_MS, 99 * MB),
    ],
)
def test_a_video_within_the_platforms_limits_is_accepted(world, platform, duration_ms, size_bytes):
    variant = variant_with_video(world, platform, duration_ms=duration_ms, size_bytes=size_bytes)

    assert video_problems(variant) == []
    assert video_problems(variant, WARNING) == []


def test_unknown_duration_and_size_are_not_checked(world):
    variant = variant_with_video(world, "linkedin", duration_ms=None, size_bytes=0)

    assert video_problems(variant) == []


def test_youtube_warns_over_15_minutes_that_unverified_channels_are_limited_to_15_minutes(world):
    variant = variant_with_video(world, "youtube", duration_ms=20 * MINUTE_MS)

    problems = [p for p in adapter_for("youtube").validate(variant) if p.rule == "duration"]

    assert [(p.severity, p.variant_id) for p in problems] == [(WARNING, variant.pk)]
    assert "unverified YouTube channels are limited to 15 minutes" in problems[0].message


def test_mastodon_takes_the_video_size_limit_its_server_reports(world):
    variant = variant_with_video(world, "mastodon", size_bytes=20 * MB)
    small = ServerLimits(500, 23, 4, DEFAULT_IMAGE_SIZE_LIMIT, video_size_limit=10 * MB)
    large = ServerLimits(500, 23, 4, DEFAULT_IMAGE_SIZE_LIMIT, video_size_limit=40 * MB)

    assert [p.rule for p in refusals(variant, small)] == ["file_size"]
    assert refusals(variant, large) == []


def test_a_video_limit_reaches_the_editors_checks(world):
    variant = variant_with_video(world, "threads", duration_ms=6 * MINUTE_MS)

    problems = [p for p in check_variant(variant) if p.rule == "duration"]

    assert [(p.field, p.severity, p.variant_id) for p in problems] == [("media", ERROR, variant.pk)]
    assert "Threads takes videos of at most 5 min" in problems[0].message
