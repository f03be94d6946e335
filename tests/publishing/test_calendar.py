"""The calendar: a month, a week or a list of one organisation's publications, and dragging one to move it."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from dataclasses import dataclass

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Membership, Role
from publishing import calendar
from publishing.calendar import CalendarParams, Filters
from publishing.models import Publication, SocialAccount
from tests import builders

P = Publication.State
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MARCH_2027 = dt.date(2027, 3, 1)
PLATFORMS = ("mastodon", "bluesky", "x")
MONTH_SLOTS = 2000  # distinct instants in March for the bulk publications


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def paris(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=PARIS)


def publish_at(world, when: dt.datetime, variant=None, account=None, **fields) -> Publication:
    return builders.make_publication(variant or world.variant, account or world.account, scheduled_at=when, **fields)


@dataclass
class BusyMonth:
    """Several campaigns of the ministry, each with variants on three platforms, and a way to fill March 2027."""

    world: object
    targets: list[tuple[object, SocialAccount]]
    filled: int = 0

    def fill(self, count: int) -> None:
        """Spread `count` more publications over March 2027 in Paris, in one bulk insert."""
        start, end = calendar.local_midnight(MARCH_2027, PARIS), calendar.local_midnight(dt.date(2027, 4, 1), PARIS)
        step = (end - start) / MONTH_SLOTS
        rows = []
        for n in range(self.filled, self.filled + count):
            variant, account = self.targets[n % len(self.targets)]
            # A prime stride visits every slot once, so that a few publications still spread over the month.
            at = start + (n * 7919 % MONTH_SLOTS) * step
            rows.append(Publication(variant=variant, account=account, scheduled_at=at.replace(microsecond=0)))
        Publication.objects.bulk_create(rows)
        self.filled += count


@pytest.fixture
def busy_month(world) -> BusyMonth:
    accounts = {"mastodon": world.account}
    for platform in PLATFORMS[1:]:
        accounts[platform] = builders.make_account(world.ministry, platform, handle=f"@health-{platform}")
    campaigns = [world.campaign]
    campaigns += [builders.make_campaign(world.ministry, name, colour=colour)
                  for name, colour in [("Heat wave", "#d9480f"), ("Measles", "#5f3dc4")]]  # fmt: skip
    targets = []
    for campaign in campaigns:
        item = builders.make_item(campaign, f"{campaign.name} reminder")
        for platform in PLATFORMS:
            targets.append((builders.make_variant(item, platform), accounts[platform]))
    return BusyMonth(world, targets)


# Few queries whatever the month holds.


@pytest.mark.parametrize("count", [10, 2000])
def test_a_month_is_read_in_at_most_three_queries_whatever_it_holds(busy_month, django_assert_max_num_queries, count):
    busy_month.fill(count)

    with django_assert_max_num_queries(3):
        found = calendar.calendar_for(busy_month.world.editor, CalendarParams(day=MARCH_2027))
        body = json.dumps(calendar.as_json(found))

    assert len(json.loads(body)["publications"]) == count
    assert {entry["platform"] for entry in found.entries} == set(PLATFORMS)
    assert len({entry["campaign"] for entry in found.entries}) == 3


def test_the_json_endpoint_makes_as_many_queries_for_2000_publications_as_for_10(busy_month):
    client = logged_in(busy_month.world.editor)
    url = reverse("calendar_data") + "?date=2027-03-01"

    busy_month.fill(10)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).json()["publications"]) == 10
    busy_month.fill(1990)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()["publications"]) == 2000

    assert len(many) == len(few)


# Ranges in the organisation's time zone.


def test_the_month_runs_from_local_midnight_to_local_midnight_across_a_dst_change(world):
    first = publish_at(world, paris(2027, 3, 1, 0, 0))
    last = publish_at(world, paris(2027, 3, 31, 23, 30))  # summer time: 21:30 UTC
    publish_at(world, paris(2027, 2, 28, 23, 30))
    publish_at(world, paris(2027, 4, 1, 0, 30))  # still 31 March in UTC

    found = calendar.calendar_for(world.editor, CalendarParams(day=dt.date(2027, 3, 17)))

    assert [entry["id"] for entry in found.entries] == [first.pk, last.pk]
    assert found.entries[-1]["scheduled_at"] == "2027-03-31T23:30:00+02:00"
    assert found.span.start == dt.datetime(2027, 2, 28, 23, 0, tzinfo=dt.UTC)
    assert found.span.end == dt.datetime(2027, 3, 31, 22, 0, tzinfo=dt.UTC)


def test_the_week_of_the_spring_change_is_one_hour_shorter_and_starts_on_monday():
    span = calendar.span_of("week", dt.date(2027, 3, 28), PARIS)

    assert (span.first, span.last) == (dt.date(2027, 3, 22), dt.date(2027, 3, 28))
    assert span.end - span.start == dt.timedelta(days=7, hours=-1)


# Filters and organisations.


@pytest.fixture
def four_publications(busy_month):
    world = busy_month.world
    flu_mastodon, flu_bluesky, flu_x = busy_month.targets[:3]
    heat_bluesky = busy_month.targets[4]
    french = (builders.make_variant(flu_mastodon[0].item, "mastodon", "fr"), flu_mastodon[1])
    published = {"state": P.PUBLISHED, "remote_id": "42"}
    return {
        "flu-en": publish_at(world, paris(2027, 3, 2, 9, 0), *flu_mastodon),
        "heat": publish_at(world, paris(2027, 3, 3, 9, 0), *heat_bluesky),
        "flu-fr": publish_at(world, paris(2027, 3, 4, 9, 0), *french),
        "flu-x-published": publish_at(world, paris(2027, 3, 5, 9, 0), *flu_x, **published),
        "flu-bluesky": publish_at(world, paris(2027, 3, 6, 9, 0), *flu_bluesky),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"platform": "x"}, ["flu-x-published"]),
        ({"state": "published"}, ["flu-x-published"]),
        ({"language": "fr"}, ["flu-fr"]),
        ({"platform": "mastodon", "language": "en"}, ["flu-en"]),
        ({}, ["flu-en", "heat", "flu-fr", "flu-x-published", "flu-bluesky"]),
    ],
)
def test_filters_narrow_the_publications(four_publications, world, query, expected):
    response = logged_in(world.editor).get(reverse("calendar_data"), {"date": "2027-03-01", **query})

    ids = [entry["id"] for entry in response.json()["publications"]]
    assert ids == [four_publications[name].pk for name in expected]


def test_the_campaign_filter_shows_one_campaigns_publications(four_publications, world):
    heat = four_publications["heat"].variant.item.campaign

    found = calendar.calendar_for(world.editor, CalendarParams(day=MARCH_2027, filters=Filters(campaign=heat.pk)))

    assert [(entry["campaign"], entry["colour"]) for entry in found.entries] == [("Heat wave", "#d9480f")]


def test_a_filter_that_does_not_parse_is_refused_naming_it(world):
    response = logged_in(world.editor).get(reverse("calendar_data"), {"date": "31/03/2027", "platform": "myspace"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"date", "platform"}


def test_a_member_of_two_organisations_chooses_one_and_never_sees_a_third(world):
    Membership.objects.create(user=world.editor, organisation=world.clinic, role=Role.EDITOR)
    ours = publish_at(world, paris(2027, 3, 2, 9, 0))
    theirs = publish_at(world, paris(2027, 3, 2, 9, 0), world.clinic_variant, world.clinic_account)
    client = logged_in(world.editor)
    url = reverse("calendar_data")

    ministry = client.get(url, {"date": "2027-03-01", "org": world.ministry.slug}).json()["publications"]
    clinic = client.get(url, {"date": "2027-03-01", "org": world.clinic.slug}).json()["publications"]

    assert [entry["id"] for entry in ministry] == [ours.pk]
    assert [entry["id"] for entry in clinic] == [theirs.pk]
    assert logged_in(world.outsider).get(url, {"org": world.ministry.slug}).status_code == 404


# The pages.


@pytest.fixture
def march(world):
    return [
        publish_at(world, paris(2027, 3, 15, 9, 30)),
        publish_at(world, paris(2027, 3, 31, 23, 30)),
    ]


def test_the_month_page_shows_chips_in_a_monday_first_grid_with_days_outside_dimmed(march, world):
    response = logged_in(world.editor).get(reverse("calendar"), {"date": "2027-03-10"})

    page = response.content.decode()
    weeks = response.context["weeks"]
    assert response.status_code == 200
    assert [len(week) for week in weeks] == [7] * 5
    assert weeks[0][0].date == dt.date(2027, 3, 1) and weeks[-1][-1].date == dt.date(2027, 4, 4)
    assert [day.in_span for day in weeks[-1]] == [True] * 3 + [False] * 4
    assert "March 2027" in page
    assert page.count('class="chip state-scheduled movable"') == 2
    assert 'data-style--campaign="#1f7a8c"' in page and "23:30" in page and "Get your flu jab" in page
    assert reverse("item_detail", args=[world.item.pk]) in page
    assert "Publishing is paused" not in page


def test_the_week_page_shows_hours_and_the_chip_at_its_local_hour(march, world):
    response = logged_in(world.editor).get(reverse("calendar"), {"view": "week", "date": "2027-03-31"})

    hour_23 = response.context["hours"][23][1]
    assert response.status_code == 200
    assert [day.date.isoformat() for day, _ in hour_23] == [f"2027-03-{d}" for d in range(29, 32)] + [
        f"2027-04-0{d}" for d in range(1, 5)
    ]
    assert [entry["id"] for entry in hour_23[2][1]] == [march[1].pk]
    assert 'data-drop-hour="23"' in response.content.decode()


def test_the_list_page_groups_by_day_and_says_when_nothing_is_scheduled(march, world):
    client = logged_in(world.editor)

    listed = client.get(reverse("calendar"), {"view": "list", "date": "2027-03-01"}).content.decode()
    empty = client.get(reverse("calendar"), {"view": "list", "date": "2027-05-01"}).content.decode()

    assert "Monday 15 March" in listed and "Wednesday 31 March" in listed and "@health" in listed
    assert "Nothing scheduled" in empty


def test_a_contributor_sees_the_chips_but_cannot_drag_them(march, world):
    page = logged_in(world.contributor).get(reverse("calendar"), {"date": "2027-03-01"}).content.decode()

    assert "Get your flu jab" in page
    assert 'draggable="true"' not in page


def test_a_bad_date_is_shown_and_the_calendar_falls_back_to_this_month(world):
    response = logged_in(world.editor).get(reverse("calendar"), {"date": "soon"})

    assert response.status_code == 400
    assert "date:" in response.content.decode()
    assert response.context["span"].first == world.ministry.today().replace(day=1)


def test_someone_in_no_organisation_is_told_so(world, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")

    response = logged_in(nobody).get(reverse("calendar"))

    assert "not a member of any organisation" in response.content.decode()


def test_the_navigation_links_to_the_calendar(world):
    page = logged_in(world.editor).get(reverse("home")).content.decode()

    assert f'href="{reverse("calendar")}"' in page


def test_the_paused_banner_shows_when_publishing_is_paused():
    assert "Publishing is paused" in render_to_string("publishing/_paused.html", {"publishing_paused": True})
    assert "Publishing is paused" not in render_to_string("publishing/_paused.html", {"publishing_paused": False})


# Moving a chip.


def next_month_at(hour: int, minute: int) -> tuple[str, dt.datetime]:
    """A local time a month from now in Paris, as typed and as the UTC instant it means."""
    day = timezone.localdate(timezone=PARIS) + dt.timedelta(days=30)
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)
    return local.strftime("%Y-%m-%dT%H:%M"), local.astimezone(dt.UTC)


def move(user: object, publication: Publication, when: str) -> object:
    return logged_in(user).post(reverse("calendar_move", args=[publication.pk]), {"when": when})


@pytest.mark.parametrize("state", [P.SCHEDULED, P.RETRYING])
def test_an_editor_moves_a_publication_to_a_local_time(world, state):
    publication = publish_at(world, timezone.now() + dt.timedelta(days=2), state=state)
    typed, instant = next_month_at(9, 30)

    response = move(world.editor, publication, typed)

    publication.refresh_from_db()
    assert response.status_code == 200
    assert (publication.state, publication.scheduled_at) == (P.SCHEDULED, instant)
    assert response.json()["scheduled_at"].startswith(typed)
    assert response.json()["id"] == publication.pk


def test_a_contributor_may_not_move_a_publication(world):
    before = timezone.now() + dt.timedelta(days=2)
    publication = publish_at(world, before)

    response = move(world.contributor, publication, next_month_at(9, 30)[0])

    publication.refresh_from_db()
    assert response.status_code == 403
    assert "error" in response.json()
    assert publication.scheduled_at == before


def test_another_organisations_publication_is_not_found(world):
    before = timezone.now() + dt.timedelta(days=2)
    theirs = publish_at(world, before, world.clinic_variant, world.clinic_account)

    response = move(world.editor, theirs, next_month_at(9, 30)[0])

    theirs.refresh_from_db()
    assert response.status_code == 404
    assert theirs.scheduled_at == before


def test_a_published_publication_cannot_be_moved(world):
    publication = publish_at(world, timezone.now() - dt.timedelta(hours=1), state=P.PUBLISHED, remote_id="42")

    response = move(world.editor, publication, next_month_at(9, 30)[0])

    assert response.status_code == 409
    assert "cannot be moved" in response.json()["error"]


def test_a_move_onto_the_same_accounts_instant_is_refused(world):
    typed, instant = next_month_at(9, 30)
    publish_at(world, instant)
    publication = publish_at(world, instant + dt.timedelta(hours=1))

    response = move(world.editor, publication, typed)

    assert response.status_code == 409
    assert Publication.objects.filter(scheduled_at=instant).count() == 1


@pytest.mark.parametrize(
    "when",
    [
        "next tuesday",
        "",
        "2027-03-28T02:30",  # skipped in Paris when summer time starts
        (timezone.localdate(timezone=PARIS) - dt.timedelta(days=2)).strftime("%Y-%m-%dT09:00"),
    ],
)
def test_a_time_that_is_not_a_future_local_time_is_refused_naming_the_field(world, when):
    publication = publish_at(world, timezone.now() + dt.timedelta(days=2))

    response = move(world.editor, publication, when)

    assert response.status_code == 400
    assert response.json()["error"].startswith("when: ")
    assert list(response.json()["errors"]) == ["when"]


def test_moving_needs_a_post(world):
    publication = publish_at(world, timezone.now() + dt.timedelta(days=2))

    response = logged_in(world.editor).get(reverse("calendar_move", args=[publication.pk]))

    assert response.status_code == 405


# Thumbnails.


def test_a_chip_shows_the_first_attached_images_square_thumbnail_without_another_query(
    busy_month, django_assert_max_num_queries
):
    from django.core.files.base import ContentFile

    from campaigns.models import VariantMedia
    from campaigns.renditions import make_renditions
    from tests.media_files import image_bytes

    world = busy_month.world
    (first_variant, _), (second_variant, _) = busy_month.targets[:2]
    assets = [
        builders.make_media(
            world.ministry, title, file=ContentFile(image_bytes("PNG", (400, 300)), name=f"{title}.png")
        )
        for title in ("Nurse", "Clinic")
    ]
    for asset in assets:
        make_renditions(asset, platforms=())
    VariantMedia.objects.create(variant=first_variant, asset=assets[1], position=1)
    VariantMedia.objects.create(variant=first_variant, asset=assets[0], position=0)
    busy_month.fill(len(busy_month.targets))

    with django_assert_max_num_queries(3):
        found = calendar.calendar_for(world.editor, CalendarParams(day=MARCH_2027))
    square = assets[0].renditions.get(purpose="library", shape="square")

    by_variant = {(e["item_id"], e["platform"]): e["thumbnail"] for e in found.entries}
    assert by_variant[(first_variant.item_id, first_variant.platform)] == square.file.url
    assert by_variant[(second_variant.item_id, second_variant.platform)] == ""
    assert (square.width, square.height) == (96, 96)
    page = logged_in(world.editor).get(reverse("calendar") + "?date=2027-03-01").content.decode()
    assert f'<img class="chip-thumb" src="{square.file.url}"' in page
