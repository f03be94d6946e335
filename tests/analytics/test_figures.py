"""Report figures added up from each post's latest metrics, checked against totals worked out by hand."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from analytics import figures
from campaigns.models import Variant
from publishing import engagement
from tests import builders
from tests.analytics.history import published_post

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=PARIS)


@pytest.fixture
def history(world):
    """Three posts of the flu campaign on X and Mastodon, one of another campaign, one not collected yet.

    Latest figures (impressions, likes, shares, replies, clicks):
      post A, X, video item, Mon 2 Nov 09:30 Paris:  1000, 30, 10, 5, 20   (an older snapshot: 400, 9, 1, 0, 3)
      post B, X, post item,  Mon 2 Nov 18:10 Paris:   500, 10,  5, 0,  5
      post C, Mastodon,      Tue 3 Nov 09:05 Paris:  None, 12,  3, 2, None
      post D, X, not collected yet, Wed 4 Nov 09:00
      post E, X, another campaign: 9000, 900, 0, 0, 0 (never in the flu campaign's figures)
    """
    x = builders.make_account(world.ministry, "x", handle="@health_x")
    video_item = builders.make_item(world.campaign, "Nurse explains", kind="video")
    post_item = world.item
    on_x, video_on_x = builders.make_variant(post_item, "x"), builders.make_variant(video_item, "x")
    other = builders.make_item(builders.make_campaign(world.ministry, "Heat wave"), "Drink water")
    a = published_post(video_on_x, x, paris(2026, 11, 2, 9, 30), [
        {"impressions": 400, "likes": 9, "shares": 1, "replies": 0, "clicks": 3},
        {"impressions": 1000, "likes": 30, "shares": 10, "replies": 5, "clicks": 20, "video_views": 700},
    ])  # fmt: skip
    b = published_post(on_x, x, paris(2026, 11, 2, 18, 10),
                       [{"impressions": 500, "likes": 10, "shares": 5, "replies": 0, "clicks": 5}])  # fmt: skip
    c = published_post(world.variant, world.account, paris(2026, 11, 3, 9, 5),
                       [{"impressions": None, "likes": 12, "shares": 3, "replies": 2, "clicks": None}])  # fmt: skip
    d = published_post(on_x, x, paris(2026, 11, 4, 9, 0))
    published_post(builders.make_variant(other, "x"), x, paris(2026, 11, 2, 9, 0),
                   [{"impressions": 9000, "likes": 900, "shares": 0, "replies": 0, "clicks": 0}])  # fmt: skip
    return world, (a, b, c, d)


def test_the_campaign_totals_add_up_the_latest_figures_of_its_posts(history):
    world, _ = history

    found = figures.totals(figures.published(variant__item__campaign=world.campaign))

    assert (found.posts, found.items) == (4, 2)
    assert found.reach == 1000 + 500
    assert (found.likes, found.shares, found.replies, found.clicks) == (52, 18, 7, 25)
    assert found.engagement == 65 + 20 + 17
    assert found.video_views == 700
    assert found.rate == pytest.approx((65 + 20) / 1500)  # Mastodon's 17 has no reach to be a rate of


def test_figures_per_platform_are_ordered_by_engagement(history):
    world, _ = history

    rows = figures.grouped(figures.published(variant__item__campaign=world.campaign), "account__platform")

    assert [(key, t.posts, t.reach, t.engagement) for key, t in rows] == [("x", 3, 1500, 85), ("mastodon", 1, 0, 17)]
    assert rows[1][1].rate is None


def test_figures_per_kind_and_the_top_items(history):
    world, _ = history
    posts = figures.published(variant__item__campaign=world.campaign)

    assert [(key, t.engagement) for key, t in figures.grouped(posts, "variant__item__kind")] == [
        ("video", 65), ("post", 37),
    ]  # fmt: skip
    top = figures.top_items(posts)
    assert [(row["title"], row["totals"].engagement) for row in top] == [
        ("Nurse explains", 65),
        ("Get your flu jab", 37),
    ]


def test_days_are_counted_where_the_organisation_works(history):
    world, _ = history
    posts = figures.published(variant__item__campaign=world.campaign)

    days = figures.by_day(posts, PARIS)

    assert [(day.isoformat(), t.posts, t.engagement) for day, t in days] == [
        ("2026-11-02", 2, 85), ("2026-11-03", 1, 17), ("2026-11-04", 1, 0),
    ]  # fmt: skip


def test_posting_times_are_read_in_the_organisations_zone_and_need_three_posts_to_be_called_best(history):
    world, (_, _, c, _) = history
    now = paris(2026, 12, 1, 12, 0)

    times = {
        (t.weekday, t.hour): (t.posts, t.engagement_per_post) for t in engagement.posting_times(world.ministry, now)
    }

    assert times[(0, 9)] == (2, (65 + 900) / 2)  # Monday 09:xx, the heat-wave post included: the organisation's
    assert times[(0, 18)] == (1, 20)
    assert times[(1, 9)] == (1, 17)
    assert engagement.best_times(world.ministry, now=now) == []  # no time has three posts yet
    for day in (9, 16):
        published_post(c.variant, c.account, paris(2026, 11, day, 18, 40), [{"likes": 30}])
    assert [(t.weekday, t.hour) for t in engagement.best_times(world.ministry, now=now)] == [(0, 18)]


def test_the_breakdown_from_one_query_equals_the_tables_read_one_by_one(history):
    world, (_, b, _, _) = history
    # The flu post in French too, on X: one item in two languages on one platform.
    in_french = builders.make_variant(world.item, "x", language="fr")
    published_post(in_french, b.account, paris(2026, 11, 5, 9, 0), [{"impressions": 80, "likes": 8}])
    posts = figures.published(variant__item__campaign=world.campaign)

    found = figures.breakdown(posts, Variant.objects.filter(item__campaign=world.campaign))

    assert found.totals == figures.totals(posts)
    assert found.by_platform == figures.grouped(posts, "account__platform")
    assert found.by_kind == figures.grouped(posts, "variant__item__kind")
    assert found.by_language == figures.grouped(posts, "variant__language")
    assert found.top_items == figures.top_items(posts)
    assert found.posts_by_kind_and_platform == {("video", "x"): 1, ("post", "x"): 3, ("post", "mastodon"): 1}
