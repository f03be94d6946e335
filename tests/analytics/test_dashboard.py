"""The organisation dashboard on the home page: the week, the review queue, what needs a person, 30 days' figures."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import dashboard
from campaigns import workflow
from campaigns.models import Membership, Role
from publishing.models import Publication
from tests import builders
from tests.analytics.history import published_post

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 4, 12, 0, tzinfo=PARIS)  # a Wednesday: the week runs Mon 2 to Sun 8 Nov, Paris
P = Publication.State


def paris(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=PARIS)


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk(world):
    """The ministry (Paris) on Wednesday 4 November 2026 at noon.

    This week's schedule (Mon 2 to Sun 8 Nov, Paris): "Get your flu jab" published Mon 09:00, "Nurse explains"
    scheduled Thu 10:00 and Sun 23:30 (21:30 UTC); not in it: Sun 1 Nov 23:30, Mon 9 Nov 00:30 (still Sunday
    in UTC), a cancelled one on Tue, the clinic's on Wed.
    Review: "First" then "Second" submitted by the editor (oldest first); the manager's own "Mine" is not theirs to review.
    Needing attention: failed (Thu), expired (Tue), unconfirmed (Mon 2 Nov 08:00) and the 20 Oct post with a note;
    not the 1 Sep post's older note, a plain published post, or the clinic's failed one.
    Last 30 days (5 Oct 12:00 to 4 Nov 12:00): Mon 2 Nov post (1000 views; 50 + 10 + 5 + 35 = 100) and the 20 Oct post
    (3000 views; 150 + 30 + 10 + 10 = 200): 2 posts, 4000 views, 300 engagement, rate 300 / 4000.
    The 30 before: the 20 Sep post (2000 views, 150): views +100 %, engagement +100 %, posts +100 %.
    """
    x = builders.make_account(world.ministry, "x", handle="@health_x")
    video = builders.make_item(world.campaign, "Nurse explains", kind="video")
    video_on_x = builders.make_variant(video, "x")
    published_post(world.variant, world.account, paris(2026, 11, 2, 9, 0),
                   [{"impressions": 1000, "likes": 50, "shares": 10, "replies": 5, "clicks": 35}])  # fmt: skip
    builders.make_publication(video_on_x, x, scheduled_at=paris(2026, 11, 5, 10, 0))
    builders.make_publication(video_on_x, x, scheduled_at=paris(2026, 11, 8, 23, 30))
    builders.make_publication(video_on_x, x, scheduled_at=paris(2026, 11, 1, 23, 30))
    builders.make_publication(video_on_x, x, scheduled_at=paris(2026, 11, 9, 0, 30))
    builders.make_publication(video_on_x, x, scheduled_at=paris(2026, 11, 3, 15, 0), state=P.CANCELLED)
    builders.make_publication(world.clinic_variant, world.clinic_account, scheduled_at=paris(2026, 11, 4, 9, 0))

    builders.make_publication(video_on_x, x, scheduled_at=paris(2026, 11, 5, 8, 0), state=P.FAILED,
                              last_error="The account was disconnected.")  # fmt: skip
    builders.make_publication(video_on_x, x, scheduled_at=paris(2026, 11, 3, 8, 0), state=P.EXPIRED)
    builders.make_publication(video_on_x, x, scheduled_at=paris(2026, 11, 2, 8, 0), state=P.UNCONFIRMED)
    noted = published_post(video_on_x, x, paris(2026, 10, 20, 18, 0),
                           [{"impressions": 3000, "likes": 150, "shares": 30, "replies": 10, "clicks": 10}])  # fmt: skip
    old_note = published_post(video_on_x, x, paris(2026, 9, 1, 18, 0), [{"impressions": 99_000, "likes": 999}])
    Publication.objects.filter(pk__in=[noted.pk, old_note.pk]).update(notes="The first comment was not posted.")
    published_post(video_on_x, x, paris(2026, 9, 20, 18, 0),
                   [{"impressions": 2000, "likes": 100, "shares": 50, "replies": 0, "clicks": 0}])  # fmt: skip
    builders.make_publication(world.clinic_variant, world.clinic_account, scheduled_at=paris(2026, 11, 2, 9, 0),
                              state=P.FAILED)  # fmt: skip

    for title, author in (("First", world.editor), ("Second", world.editor), ("Mine", world.manager)):
        item = builders.make_item(world.campaign, title, author=author)
        builders.make_variant(item)
        workflow.perform(item, "submit", author)
    return world


def test_the_week_lists_what_is_scheduled_each_local_day_monday_first(desk):
    board = dashboard.dashboard_for(desk.editor, now=NOW)

    assert [day.isoformat() for day, _ in board.schedule][::6] == ["2026-11-02", "2026-11-08"]
    assert {day.isoformat(): [(e["scheduled_at"][11:16], e["title"]) for e in entries]
            for day, entries in board.schedule if entries} == {
        "2026-11-02": [("08:00", "Nurse explains"), ("09:00", "Get your flu jab")],
        "2026-11-03": [("08:00", "Nurse explains")],
        "2026-11-05": [("08:00", "Nurse explains"), ("10:00", "Nurse explains")],
        "2026-11-08": [("23:30", "Nurse explains")],
    }  # fmt: skip
    assert board.scheduled_count == 6  # the failed, expired and unconfirmed ones were due this week too


def test_the_review_panel_shows_the_managers_queue_oldest_first(desk):
    board = dashboard.dashboard_for(desk.manager, now=NOW)

    assert board.review_count == 2
    assert [item.title for item in board.review] == ["First", "Second"]
    assert dashboard.dashboard_for(desk.editor, now=NOW).review_count == 0  # an editor reviews nothing


def test_publications_needing_a_person_and_recent_notes_need_attention(desk):
    board = dashboard.dashboard_for(desk.editor, now=NOW)

    assert board.attention_count == 4
    assert [(p.state, p.what_happened) for p in board.attention] == [
        ("failed", "failed"), ("expired", "expired"), ("unconfirmed", "unconfirmed"),
        ("published", "published with a note"),
    ]  # fmt: skip


def test_the_last_30_days_are_compared_with_the_30_before(desk):
    board = dashboard.dashboard_for(desk.editor, now=NOW)

    assert (board.recent.posts, board.recent.reach, board.recent.engagement) == (2, 4000, 300)
    assert board.recent.rate == pytest.approx(300 / 4000)
    assert (board.before.posts, board.before.reach, board.before.engagement) == (1, 2000, 150)
    assert board.changes == {"posts": 1.0, "reach": 1.0, "engagement": 1.0}


def test_the_dashboard_reads_the_same_few_queries_whatever_the_organisation_holds(desk, django_assert_num_queries):
    with django_assert_num_queries(8):
        dashboard.dashboard_for(desk.manager, now=NOW)
    x = desk.ministry.accounts.get(platform="x")
    for n in range(10):
        item = builders.make_item(desk.campaign, f"Extra {n}", author=desk.editor)
        variant = builders.make_variant(item, "x")
        builders.make_publication(variant, x, scheduled_at=paris(2026, 11, 6, 9, n), state=P.FAILED)
        published_post(variant, x, paris(2026, 10, 10 + n, 9, 0), [{"impressions": 10, "likes": 1}])
        builders.make_variant(item)
        workflow.perform(item, "submit", desk.editor)

    with django_assert_num_queries(8):
        board = dashboard.dashboard_for(desk.manager, now=NOW)
    assert (board.review_count, board.attention_count, board.recent.posts) == (12, 14, 12)


def test_the_home_page_shows_the_dashboard_above_the_campaigns(desk):
    page = logged_in(desk.manager).get(reverse("home")).text

    assert page.index("This week's schedule") < page.index("Your campaigns") < page.index("Flu vaccination")
    first = desk.campaign.items.get(title="First")
    assert "Waiting for your review" in page and reverse("item_detail", args=[first.pk]) in page
    assert "The account was disconnected." in page  # the failed publication, needing attention
    assert reverse("annual_summary", args=[desk.ministry.slug, timezone.localdate().year]) in page


def test_the_home_page_reads_as_many_queries_with_more_data(desk):
    client = logged_in(desk.manager)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    x = desk.ministry.accounts.get(platform="x")
    now = timezone.now()
    for n in range(8):
        item = builders.make_item(desk.campaign, f"Extra {n}", author=desk.editor)
        variant = builders.make_variant(item, "x")
        builders.make_publication(variant, x, scheduled_at=now + dt.timedelta(minutes=n + 1))
        # Minutes, not hours, before now: hours back reach into last week early on a Monday, off the week shown.
        builders.make_publication(variant, x, scheduled_at=now - dt.timedelta(minutes=n + 1), state=P.FAILED)
        published_post(variant, x, now - dt.timedelta(days=n + 1), [{"impressions": 10, "likes": 1}])
        builders.make_variant(item)
        workflow.perform(item, "submit", desk.editor)

    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("home")).text
    assert "Extra 7" in page
    assert len(many) == len(few)


def test_each_panel_says_when_it_is_empty(world):
    page = logged_in(world.outsider).get(reverse("home")).text

    assert "Nothing scheduled this week." in page
    assert "Nothing waiting for your review." in page
    assert "Nothing needs attention" in page
    assert "Nothing published in the last 30 days." in page
    assert "Clinic hand hygiene" in page  # the campaign list is still there


def test_a_member_of_several_organisations_chooses_one(desk):
    Membership.objects.create(user=desk.outsider, organisation=desk.ministry, role=Role.EDITOR)
    client = logged_in(desk.outsider)

    first = client.get(reverse("home")).text
    chosen = client.get(reverse("home"), {"org": desk.ministry.slug}).text

    assert '<option value="ministry-of-health"' in first and "<h1>Clinic B</h1>" in first
    assert "<h1>Ministry of Health</h1>" in chosen
    assert client.get(reverse("home"), {"org": "nowhere"}).status_code == 404


def test_an_item_going_out_on_several_platforms_at_once_is_one_line_naming_them(world):
    at = NOW + dt.timedelta(hours=2)
    accounts = [world.account] + [builders.make_account(world.ministry, p, handle=f"@h-{p}") for p in ("x", "bluesky")]
    for account in accounts:
        variant = (
            builders.make_variant(world.item, account.platform) if account.platform != "mastodon" else world.variant
        )
        builders.make_publication(variant, account, scheduled_at=at)

    board = dashboard.dashboard_for(world.editor, now=NOW)

    lines = [line for _, lines in board.schedule for line in lines]
    assert len(lines) == 1 and sorted(lines[0]["platforms"]) == ["Bluesky", "Mastodon", "X"]
    assert lines[0]["states"] == ["Scheduled"] and board.scheduled_count == 3
