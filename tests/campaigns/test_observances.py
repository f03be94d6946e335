"""Health observances: the built-in international days, an organisation's own, the calendar and campaign anchors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from campaigns import observances
from campaigns.models import Observance
from campaigns.workflow import WorkflowError


@pytest.fixture(autouse=True)
def built_in_days(db: None) -> None:
    """The migration writes the built-in days, but a transactional test elsewhere in the process may have
    flushed them (as it does every table): each test here starts from the list, as a new database does."""
    observances.write_built_in()


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def built_in(key: str) -> Observance:
    return Observance.objects.get(organisation=None, key=key)


def test_who_days_are_built_in(db):
    days = {o.name: (o.month, o.day, o.duration_days) for o in Observance.objects.filter(organisation=None)}

    assert days["World Health Day"] == (4, 7, 1)
    assert days["World Blood Donor Day"] == (6, 14, 1)
    assert days["World No Tobacco Day"] == (5, 31, 1)
    assert days["World Immunization Week"] == (4, 24, 7)
    assert days["World AIDS Day"] == (12, 1, 1)
    assert len(days) >= 20


def test_writing_the_built_in_list_again_changes_nothing(db):
    before = Observance.objects.count()

    observances.write_built_in()

    assert Observance.objects.count() == before


def test_the_next_date_is_this_year_until_it_has_passed_then_next_year(db):
    donors = built_in("world-blood-donor-day")

    assert observances.next_occurrence(donors, dt.date(2026, 6, 14)) == dt.date(2026, 6, 14)
    assert observances.next_occurrence(donors, dt.date(2026, 12, 4)) == dt.date(2027, 6, 14)


def test_the_next_date_crosses_the_year_end(db):
    aids = built_in("world-aids-day")
    cancer = built_in("world-cancer-day")

    assert observances.next_occurrence(aids, dt.date(2026, 12, 2)) == dt.date(2027, 12, 1)
    assert observances.next_occurrence(cancer, dt.date(2026, 12, 31)) == dt.date(2027, 2, 4)


def test_a_week_is_current_until_its_last_day(db):
    week = built_in("world-immunization-week")

    assert observances.next_occurrence(week, dt.date(2027, 4, 30)) == dt.date(2027, 4, 24)
    assert observances.next_occurrence(week, dt.date(2027, 5, 1)) == dt.date(2028, 4, 24)


def test_an_observance_by_rule_falls_on_its_weekday(world):
    # The last Sunday of January (World Leprosy Day) and the second Tuesday of March.
    leprosy = observances.add_observance(
        world.ministry, world.manager, {"name": "Leprosy Day", "month": 1, "weekday": 6, "ordinal": -1}
    )
    second = observances.add_observance(
        world.ministry, world.manager, {"name": "Kidney Day", "month": 3, "weekday": 1, "ordinal": 2}
    )

    assert observances.occurrence(leprosy, 2027) == dt.date(2027, 1, 31)
    assert observances.occurrence(second, 2027) == dt.date(2027, 3, 9)


def test_an_observance_needs_a_date_or_a_rule_and_a_real_day(world):
    with pytest.raises(ValidationError) as both:
        observances.add_observance(world.ministry, world.manager, {"name": "Neither", "month": 3})
    with pytest.raises(ValidationError) as impossible:
        observances.add_observance(world.ministry, world.manager, {"name": "Impossible", "month": 2, "day": 30})

    assert "day" in both.value.message_dict
    assert "day" in impossible.value.message_dict
    assert not Observance.objects.filter(organisation=world.ministry).exists()


def test_only_managers_and_admins_add_observances(world):
    with pytest.raises(WorkflowError) as refusal:
        observances.add_observance(world.ministry, world.editor, {"name": "National Day", "month": 3, "day": 2})

    assert refusal.value.status == 403


def test_an_organisations_own_observances_are_seen_by_it_alone(world):
    own = observances.add_observance(
        world.ministry, world.manager, {"name": "National Blood Week", "month": 3, "day": 2}
    )

    assert own in observances.visible_to(world.ministry)
    assert own not in observances.visible_to(world.clinic)
    assert built_in("world-health-day") in observances.visible_to(world.clinic)


def test_the_observances_of_a_span_include_each_day_of_a_week(world):
    days = observances.on_days(world.ministry, dt.date(2027, 4, 20), dt.date(2027, 4, 26))

    assert {o.key for o in days[dt.date(2027, 4, 25)]} == {"world-immunization-week", "world-malaria-day"}
    assert dt.date(2027, 4, 23) not in days


def test_anchored_campaign_dates_are_around_the_next_occurrence(db):
    donors = built_in("world-blood-donor-day")

    start, end = observances.dates_around(donors, dt.date(2027, 1, 10))

    assert (start, end) == (dt.date(2027, 5, 24), dt.date(2027, 6, 21))


def test_an_anchor_of_another_organisation_is_refused(world):
    theirs = observances.add_observance(world.clinic, world.outsider, {"name": "Clinic Day", "month": 5, "day": 2})
    world.campaign.anchor_observance = theirs

    with pytest.raises(ValidationError) as refusal:
        world.campaign.full_clean()

    assert "anchor_observance" in refusal.value.message_dict


def test_the_calendar_shows_the_observances_of_its_days(world):
    observances.add_observance(world.ministry, world.manager, {"name": "National Blood Week", "month": 6, "day": 10})
    client = logged_in(world.editor)

    month = client.get(reverse("calendar"), {"view": "month", "date": "2027-06-01"}).text
    week = client.get(reverse("calendar"), {"view": "week", "date": "2027-06-14"}).text

    assert "World Blood Donor Day" in month and "National Blood Week" in month
    assert "World Blood Donor Day" in week and "World Health Day" not in week


def test_another_organisations_observances_stay_off_its_calendar(world):
    observances.add_observance(world.ministry, world.manager, {"name": "National Blood Week", "month": 6, "day": 10})

    month = logged_in(world.outsider).get(reverse("calendar"), {"view": "month", "date": "2027-06-01"}).text

    assert "World Blood Donor Day" in month and "National Blood Week" not in month


def test_a_manager_adds_and_removes_a_national_observance_on_the_page(world):
    client = logged_in(world.manager)

    client.post(reverse("observances"), {"name": "National Vaccination Day", "month": 3, "day": 2, "duration_days": 1})
    own = Observance.objects.get(organisation=world.ministry)
    page = client.get(reverse("observances")).text
    client.post(reverse("observance_remove", args=[own.pk]))

    assert "National Vaccination Day" in page and "World Health Day" in page
    assert not Observance.objects.filter(organisation=world.ministry).exists()


def test_a_bad_observance_is_refused_on_its_field(world):
    response = logged_in(world.manager).post(
        reverse("observances"), {"name": "Nowhere", "month": 2, "day": 31, "duration_days": 1}
    )

    assert response.status_code == 400
    assert "This month has no day 31." in response.text


def test_an_editor_sees_the_observances_but_cannot_add_one(world):
    client = logged_in(world.editor)

    response = client.post(reverse("observances"), {"name": "Mine", "month": 3, "day": 2, "duration_days": 1})

    assert response.status_code == 403
    assert not Observance.objects.filter(organisation=world.ministry).exists()


def test_an_outsider_cannot_remove_another_organisations_observance(world):
    own = observances.add_observance(world.ministry, world.manager, {"name": "National Day", "month": 3, "day": 2})

    assert logged_in(world.outsider).post(reverse("observance_remove", args=[own.pk])).status_code == 404


def test_the_campaign_page_shows_its_anchor_and_the_days_to_go(world):
    world.campaign.anchor_observance = built_in("world-blood-donor-day")
    world.campaign.save()

    page = logged_in(world.editor).get(reverse("campaign_detail", args=[world.campaign.pk])).text

    today = world.ministry.today()
    day = observances.next_occurrence(world.campaign.anchor_observance, today)
    assert f"World Blood Donor Day</strong>, {day.day} June {day.year}" in page
    assert f"in {(day - today).days} days" in page or "now" in page


def test_a_campaign_anchored_on_an_observance_gets_dates_around_it(world):
    from campaigns.campaign_setup import create_campaign

    donors = built_in("world-blood-donor-day")

    campaign = create_campaign(world.ministry, world.manager, {"name": "Give blood", "anchor_observance": donors})

    assert (campaign.start_date, campaign.end_date) == observances.dates_around(donors, world.ministry.today())
