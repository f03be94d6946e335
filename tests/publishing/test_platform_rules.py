"""Each platform counts a text its own way, and a text exactly at its limit is accepted."""

import pytest

from campaigns.checks import check_text
from publishing.platform_rules import RULES, rules_for
from publishing.platforms import Platform

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # man, woman, girl, boy joined by three zero-width joiners
MASK = "😷"
HEART = "❤\ufe0f"  # a text symbol made emoji by VARIATION SELECTOR-16
FLAG = "🇲🇦"  # two regional indicators
ARABIC = "مَرْحَبًا"  # five letters, four of them carrying a diacritic: nine code points
CJK = "你好"
E_ACUTE_DECOMPOSED = "e\u0301"  # e followed by COMBINING ACUTE ACCENT
LONG_URL = "https://www.who.int/news-room/fact-sheets/detail/influenza-seasonal?utm_source=planner"


def length_problems(platform: str, text: str) -> list[str]:
    return [p.rule for p in check_text(platform, text) if p.rule in ("length", "byte_length")]


def test_every_platform_has_rules():
    assert set(RULES) == set(Platform.values)


def test_an_unknown_platform_is_refused_by_name():
    with pytest.raises(ValueError, match="'myspace'"):
        rules_for("myspace")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Get your flu jab", 16),
        (CJK, 4),
        (ARABIC, 9),
        (MASK, 2),
        (FAMILY, 2),
        (HEART, 2),
        (FLAG, 2),
        ("👍🏽", 2),
        (f"Read {LONG_URL} now", 5 + 23 + 4),
        (f"Read {LONG_URL}.", 5 + 23 + 1),
        ("Read http://who.int", 5 + 23),
        ("See who.int for more", 4 + 23 + 9),
        ("“Quotes” — and ‘dashes’ …", 26),  # the ellipsis, U+2026, is outside the ranges
    ],
)
def test_x_weighs_code_points_emoji_and_links_the_twitter_text_way(text, expected):
    assert rules_for("x").count(text) == expected


def test_x_counts_the_text_after_nfc_normalisation():
    assert rules_for("x").count(f"Caf{E_ACUTE_DECOMPOSED}") == 4


def test_x_counts_a_family_emoji_as_one_emoji_not_as_its_seven_code_points():
    # twitter-text v3 parses emoji: the whole ZWJ sequence weighs 2 (weighing each code point
    # would give 4 emoji x 2 + 3 joiners x 1 = 11).
    assert rules_for("x").count(FAMILY * 3) == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Get your flu jab", 16),
        (CJK, 2),
        (ARABIC, 9),
        (MASK, 1),
        (FAMILY, 7),
        (f"Read {LONG_URL} now", 5 + 23 + 4),
        ("See who.int for more", 20),  # Mastodon only shortens links with a scheme
        ("Boost @health@mastodon.social", 6 + 7),
        ("Write to contact@sante.gov.ma", 29),
    ],
)
def test_mastodon_counts_code_points_with_every_link_as_23(text, expected):
    assert rules_for("mastodon").count(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Get your flu jab", 16),
        (CJK, 2),
        (ARABIC, 5),
        (E_ACUTE_DECOMPOSED, 1),
        (FAMILY, 1),
        (HEART + FLAG + MASK, 3),
        (LONG_URL, len(LONG_URL)),
    ],
)
def test_bluesky_counts_grapheme_clusters(text, expected):
    assert rules_for("bluesky").count(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Get your flu jab", 16), (CJK, 2), (ARABIC, 9), (MASK, 4), (HEART, 6), (FAMILY, 25), (f"Go {MASK}!", 8)],
)
def test_threads_counts_characters_but_emoji_as_their_utf8_bytes(text, expected):
    assert rules_for("threads").count(text) == expected


@pytest.mark.parametrize("platform", ["facebook", "instagram", "linkedin", "youtube"])
def test_plain_platforms_count_code_points(platform):
    assert rules_for(platform).count(ARABIC + MASK + CJK) == 9 + 1 + 2


def a_text_of(length: int, unit: str = "a", weight: int = 1, tail: str = "") -> str:
    """`unit` repeated to reach `length` as the platform counts it, then `tail` (counted as one each)."""
    return unit * ((length - len(tail)) // weight) + tail


AT_AND_OVER_THE_LIMIT = [
    ("x", a_text_of(280, CJK[0], 2), a_text_of(280, CJK[0], 2) + "a"),
    ("x", "a" * 256 + " " + LONG_URL[:30], "a" * 257 + " " + LONG_URL[:30]),
    ("x", a_text_of(280, FAMILY, 2), a_text_of(280, FAMILY, 2) + "a"),
    ("mastodon", "a" * 476 + " " + LONG_URL, "a" * 477 + " " + LONG_URL),
    ("mastodon", FAMILY * 71 + "abc", FAMILY * 71 + "abcd"),
    ("bluesky", FAMILY * 20 + ARABIC * 56, FAMILY * 20 + ARABIC * 56 + "a"),
    ("threads", MASK * 125, MASK * 124 + "abcde"),
    ("facebook", "a" * 63_206, "a" * 63_207),
    ("instagram", "a" * 2_200, "a" * 2_201),
    ("linkedin", ARABIC * 333 + "abc", ARABIC * 333 + "abcd"),
    ("youtube", "a" * 5_000, "a" * 5_001),
]


@pytest.mark.parametrize(("platform", "at_limit", "over_limit"), AT_AND_OVER_THE_LIMIT)
def test_a_text_exactly_at_the_limit_passes_and_one_more_fails(platform, at_limit, over_limit):
    rules = rules_for(platform)
    assert rules.count(at_limit) == rules.text_limit
    assert rules.count(over_limit) == rules.text_limit + 1
    assert length_problems(platform, at_limit) == []
    assert "length" in length_problems(platform, over_limit)


def test_bluesky_accepts_exactly_3000_bytes_and_refuses_one_more():
    at_limit = FAMILY * 120  # 25 bytes each, and only 120 graphemes
    assert len(at_limit.encode()) == 3_000

    assert length_problems("bluesky", at_limit) == []
    assert length_problems("bluesky", at_limit + "a") == ["byte_length"]


def test_youtube_accepts_a_5000_byte_description_and_refuses_one_more_byte():
    at_limit = "ا" * 2_500  # two bytes each: 2,500 characters but 5,000 bytes

    assert length_problems("youtube", at_limit) == []
    assert length_problems("youtube", at_limit + "a") == ["byte_length"]


def test_the_instagram_hashtag_cap_defaults_to_30_and_can_be_set_to_the_announced_5(settings):
    assert rules_for("instagram").max_hashtags == 30

    settings.PLATFORM_RULES = {"instagram": {"max_hashtags": 5}}

    assert rules_for("instagram").max_hashtags == 5
    assert rules_for("x").max_hashtags is None


def test_a_server_with_a_longer_limit_is_configured_in_settings(settings):
    settings.PLATFORM_RULES = {"mastodon": {"text_limit": 1_000}}

    assert length_problems("mastodon", "a" * 1_000) == []
    assert length_problems("mastodon", "a" * 1_001) == ["length"]
