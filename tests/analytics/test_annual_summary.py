"""The annual summary: a year's figures where the organisation works, the page and the text report."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from analytics import annual
from tests import builders
from tests.analytics.history import published_post

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")  # west of UTC: a late post on 31 December is 1 January in UTC


def new_york(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=NEW_YORK)


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def year(world):
    """The ministry (in New York) published five posts in 2026 and one on the last evening of 2025.

    Latest figures (impressions, likes, shares, replies, clicks; video views, watch time):
      A  video item on YouTube, 15 Mar 2026 10:00:  2,000,000, 5000, 1000, 200, 800; 1,500,000, 7,200,000 s
         (an older snapshot: 10,000, 10, 0, 0, 0)
      B  video item on X,       15 Mar 2026 11:00:    300,000, 1000,  500, 100, 400;   100,000,   360,000 s
      C  infographic on X,       2 Jun 2026 09:00:     50,000,  300,  100,  50,  50
      D  infographic on Mastodon, 2 Jun 2026 09:00:     None,    40,   10,   5, None
      E  post on X, 31 Dec 2026 23:30 New York (04:30 UTC on 1 Jan 2027): 10,000, 100, 0, 0, 0
      F  post on X, 31 Dec 2025 23:30 New York (04:30 UTC on 1 Jan 2026): 1,180,000, 1931, 0, 0, 0 — last year's
      the clinic's post in 2026: 9,999,999 impressions (never the ministry's)

    2026: 5 posts of 3 items; reach 2,360,000; video views 1,600,000; watch time 7,560,000 s = 2,100 h;
    engagement 7000 + 2000 + 500 + 55 + 100 = 9655, of which 9600 on posts with a reach (rate 9600 / 2,360,000).
    2025: 1 post, reach 1,180,000, engagement 1931: posts +400 %, reach +100 %, engagement +400 %.
    """
    ministry = world.ministry
    ministry.timezone = "America/New_York"
    ministry.save(update_fields=["timezone"])
    x = builders.make_account(ministry, "x", handle="@health_x")
    youtube = builders.make_account(ministry, "youtube", handle="@health_yt")
    video = builders.make_item(world.campaign, "Nurse explains", kind="video")
    infographic = builders.make_item(world.campaign, "Flu facts", kind="infographic")
    published_post(builders.make_variant(video, "youtube"), youtube, new_york(2026, 3, 15, 10, 0), [
        {"impressions": 10_000, "likes": 10, "shares": 0, "replies": 0, "clicks": 0},
        {"impressions": 2_000_000, "likes": 5000, "shares": 1000, "replies": 200, "clicks": 800,
         "video_views": 1_500_000, "watch_time_s": 7_200_000},
    ])  # fmt: skip
    published_post(builders.make_variant(video, "x"), x, new_york(2026, 3, 15, 11, 0), [
        {"impressions": 300_000, "likes": 1000, "shares": 500, "replies": 100, "clicks": 400,
         "video_views": 100_000, "watch_time_s": 360_000},
    ])  # fmt: skip
    published_post(builders.make_variant(infographic, "x"), x, new_york(2026, 6, 2, 9, 0),
                   [{"impressions": 50_000, "likes": 300, "shares": 100, "replies": 50, "clicks": 50}])  # fmt: skip
    published_post(builders.make_variant(infographic, "mastodon"), world.account, new_york(2026, 6, 2, 9, 0),
                   [{"impressions": None, "likes": 40, "shares": 10, "replies": 5, "clicks": None}])  # fmt: skip
    post_on_x = builders.make_variant(world.item, "x")
    published_post(post_on_x, x, new_york(2026, 12, 31, 23, 30),
                   [{"impressions": 10_000, "likes": 100, "shares": 0, "replies": 0, "clicks": 0}])  # fmt: skip
    published_post(post_on_x, x, new_york(2025, 12, 31, 23, 30),
                   [{"impressions": 1_180_000, "likes": 1931, "shares": 0, "replies": 0, "clicks": 0}])  # fmt: skip
    published_post(world.clinic_variant, world.clinic_account, new_york(2026, 5, 1, 12, 0),
                   [{"impressions": 9_999_999, "likes": 99_999}])  # fmt: skip
    return world


def test_the_year_adds_up_the_latest_figures_of_the_organisations_posts(year):
    summary = annual.annual_summary(year.ministry, 2026)

    totals = summary.totals
    assert (totals.posts, totals.items) == (5, 3)
    assert totals.reach == 2_360_000
    assert (totals.video_views, totals.watch_time_s, summary.watch_time_hours) == (1_600_000, 7_560_000, 2100)
    assert (totals.likes, totals.shares, totals.replies, totals.clicks) == (6440, 1610, 355, 1250)
    assert totals.engagement == 9655
    assert totals.rate == pytest.approx(9600 / 2_360_000)


def test_a_late_post_on_new_years_eve_counts_in_the_year_it_was_where_the_organisation_works(year):
    this_year, last_year = annual.annual_summary(year.ministry, 2026), annual.annual_summary(year.ministry, 2025)

    assert [(m.month.month, m.posts, m.reach) for m in this_year.months if m.posts] == [
        (3, 2, 2_300_000), (6, 2, 50_000), (12, 1, 10_000),
    ]  # fmt: skip
    assert [m.posts for m in last_year.months] == [0] * 11 + [1]  # F, though it was 2026 in UTC
    assert annual.annual_summary(year.ministry, 2027).totals.posts == 0  # E, though it was 2027 in UTC


def test_posts_are_counted_per_kind_and_platform(year):
    summary = annual.annual_summary(year.ministry, 2026)

    assert [(k.label, k.totals.posts, k.totals.items, k.platforms) for k in summary.kinds] == [
        ("Infographics", 2, 1, [("Mastodon", 1), ("X", 1)]),
        ("Videos", 2, 1, [("X", 1), ("YouTube", 1)]),
        ("Posts", 1, 1, [("X", 1)]),
    ]
    assert [(name, t.posts, t.engagement) for name, t in summary.platforms] == [
        ("YouTube", 1, 7000), ("X", 3, 2600), ("Mastodon", 1, 55),
    ]  # fmt: skip
    assert [(item["title"], item["totals"].engagement) for item in summary.top] == [
        ("Nurse explains", 9000), ("Flu facts", 555), ("Get your flu jab", 100),
    ]  # fmt: skip


def test_the_year_is_compared_with_the_one_before(year):
    summary = annual.annual_summary(year.ministry, 2026)

    assert (summary.previous.posts, summary.previous.reach, summary.previous.engagement) == (1, 1_180_000, 1931)
    assert summary.changes == {"posts": 4.0, "reach": 1.0, "video_views": None, "engagement": 4.0}


def test_the_summary_reads_the_same_few_queries_whatever_the_year_holds(year, django_assert_num_queries):
    with django_assert_num_queries(7):
        annual.annual_summary(year.ministry, 2026)
    x = year.ministry.accounts.get(platform="x")
    for day in range(1, 29):
        published_post(builders.make_variant(builders.make_item(year.campaign, f"Extra {day}"), "x"), x,
                       new_york(2026, 2, day, 12, 0), [{"impressions": 1, "likes": 1}])  # fmt: skip

    with django_assert_num_queries(7):
        summary = annual.annual_summary(year.ministry, 2026)
    assert summary.totals.posts == 5 + 28


def test_the_page_shows_the_figures_with_separators_and_in_words(year):
    page = logged_in(year.editor).get(reverse("annual_summary", args=[year.ministry.slug, 2026])).text

    assert "2.4 million" in page and 'title="2,360,000"' in page
    assert "1.6 million" in page  # video views
    assert "2,100 hours watched" in page
    assert '<strong title="9,655">9,655</strong>' in page  # engagement: below a million, in digits
    assert "+100.0 % on last year" in page
    assert "Mastodon 1, X 1" in page
    assert "Nurse explains" in page
    assert reverse("annual_summary", args=[year.ministry.slug, 2025]) in page  # the year selector


def test_a_year_with_nothing_published_says_so(year):
    page = logged_in(year.editor).get(reverse("annual_summary", args=[year.ministry.slug, 2024])).text

    assert "Nothing published in 2024" in page


def test_another_organisations_member_gets_a_404(year):
    client = logged_in(year.outsider)

    assert client.get(reverse("annual_summary", args=[year.ministry.slug, 2026])).status_code == 404
    assert client.get(reverse("annual_summary", args=[year.clinic.slug, 2026])).status_code == 200


def test_the_command_prints_the_same_figures_as_text(year):
    out = io.StringIO()

    call_command("annual_summary", organisation=year.ministry.slug, year=2026, stdout=out)

    lines = out.getvalue().splitlines()
    assert "Videos: 2 (X 1, YouTube 1)" in lines
    assert "Infographics: 2 (Mastodon 1, X 1)" in lines
    assert "Total views: 2,360,000 (+100.0 % on last year)" in lines
    assert "Video views: 1,600,000" in lines
    assert "Watch time: 2,100.0 hours" in lines
    assert "Engagement: 9,655 likes, shares, replies and clicks (+400.0 % on last year)" in lines
    assert "Engagement rate: 0.4 %" in lines
    assert "  March: 2 posts, 2,300,000 views" in lines
    assert "  1. Nurse explains (video): 9,000 engagement, 2,300,000 views" in lines


def test_the_command_says_when_nothing_was_published(year):
    out = io.StringIO()

    call_command("annual_summary", "--organisation", year.ministry.slug, "--year", "2024", stdout=out)

    assert "Nothing published in 2024." in out.getvalue()
