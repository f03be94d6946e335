"""Cadence templates: the plan that fills a campaign's free slots with its approved items, and applying it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from campaigns.models import ContentItem
from campaigns.workflow import WorkflowError, perform
from publishing import cadence as cadences
from publishing.models import Cadence, Publication
from tests import builders

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def approve(item: ContentItem, world) -> ContentItem:
    item.author = world.editor
    item.save()
    perform(item, "submit", world.editor)
    perform(item, "approve", world.manager)
    item.refresh_from_db()
    return item


def approved_item(world, title: str, **fields) -> ContentItem:
    item = builders.make_item(world.campaign, title, **fields)
    builders.make_variant(item, text=f"{title}. Book your free vaccine today. #FluVaccine")
    return approve(item, world)


def make_cadence(world, times=("08:00", "13:00", "19:00"), weekdays=(0, 1, 2, 3, 4, 5, 6), **fields) -> Cadence:
    defaults = {"name": "Outbreak", "starts_on": timezone.localdate(timezone=PARIS) + dt.timedelta(days=2)}
    cadence = Cadence.objects.create(
        campaign=world.campaign, times=list(times), weekdays=list(weekdays), **(defaults | fields)
    )
    cadence.accounts.set([world.account])
    return cadence


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_plan_fills_the_free_slots_in_the_items_order_around_occupied_ones(world):
    first, second, third = (approved_item(world, title) for title in ("First", "Second", "Third"))
    cadence = make_cadence(world)
    day = cadence.starts_on
    other = builders.make_item(world.campaign, "Already planned")
    builders.make_publication(builders.make_variant(other), world.account, scheduled_at=at(day, 13, 10))

    plan = cadences.plan(cadence)

    assert [(p.item, p.instant) for p in plan.placements] == [
        (first, at(day, 8)), (second, at(day, 19)), (third, at(day + dt.timedelta(days=1), 8)),
    ]  # fmt: skip
    statuses = [(slot.instant, slot.status, slot.occupied_by) for slot in plan.slots]
    assert statuses[:3] == [
        (at(day, 8), "planned", ""), (at(day, 13), "occupied", "Already planned"), (at(day, 19), "planned", ""),
    ]  # fmt: skip


def test_items_go_out_in_planned_order_then_creation_order(world):
    later = approved_item(world, "Planned later", planned_at=timezone.now() + dt.timedelta(days=9))
    unplanned = approved_item(world, "Not planned")
    sooner = approved_item(world, "Planned sooner", planned_at=timezone.now() + dt.timedelta(days=3))

    plan = cadences.plan(make_cadence(world))

    assert [p.item for p in plan.placements] == [sooner, later, unplanned]


def test_only_approved_items_are_planned_and_one_item_takes_one_slot(world):
    approved = approved_item(world, "Approved")
    builders.make_item(world.campaign, "Still a draft")  # world.item is a draft too

    plan = cadences.plan(make_cadence(world))

    assert [p.item for p in plan.placements] == [approved]
    assert plan.placements[0].targets == ((approved.variants.get(), world.account),)


def test_an_item_goes_to_every_cadence_account_it_has_a_variant_for_at_one_instant(world):
    x_account = builders.make_account(world.ministry, platform="x", handle="@MinistryX")
    item = builders.make_item(world.campaign, "Both")
    builders.make_variant(item)
    builders.make_variant(item, platform="x", text="Book your free flu vaccine today. #FluVaccine")
    approve(item, world)
    cadence = make_cadence(world)
    cadence.accounts.set([world.account, x_account])

    [placement] = cadences.plan(cadence).placements

    assert {account for _variant, account in placement.targets} == {world.account, x_account}


def test_the_plan_skips_a_wall_time_a_daylight_saving_change_removes(world):
    # Paris moves from 02:00 to 03:00 on Sunday 28 March 2027: 02:30 does not exist that day.
    for title in ("One", "Two", "Three"):
        approved_item(world, title)
    world.campaign.end_date = dt.date(2027, 4, 30)
    world.campaign.save()
    cadence = make_cadence(world, times=["02:30", "08:00"], starts_on=dt.date(2027, 3, 28))

    plan = cadences.plan(cadence, now=dt.datetime(2027, 3, 27, 12, tzinfo=dt.UTC))

    assert [p.instant for p in plan.placements] == [
        dt.datetime(2027, 3, 28, 6, 0, tzinfo=dt.UTC),  # 08:00 summer time
        dt.datetime(2027, 3, 29, 0, 30, tzinfo=dt.UTC),  # 02:30 summer time, the next day
        dt.datetime(2027, 3, 29, 6, 0, tzinfo=dt.UTC),
    ]


def test_a_switched_off_account_is_left_out_of_the_plan(world):
    approved_item(world, "Approved")
    world.account.is_active = False
    world.account.save()

    plan = cadences.plan(make_cadence(world))

    assert plan.placements == []
    assert plan.skipped_accounts == [world.account]


def test_applying_schedules_the_plan_and_the_items_become_scheduled(world):
    first, second = approved_item(world, "First"), approved_item(world, "Second")
    cadence = make_cadence(world)
    shown = cadences.plan(cadence)

    publications = cadences.apply(cadence, shown.fingerprint, world.editor)

    assert [(p.variant.item, p.scheduled_at) for p in publications] == [
        (first, at(cadence.starts_on, 8)), (second, at(cadence.starts_on, 13)),
    ]  # fmt: skip
    assert set(ContentItem.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)) == {
        ContentItem.State.SCHEDULED
    }
    assert Event.objects.filter(action="cadence.applied", object_id=str(cadence.pk)).exists()


def test_a_plan_that_changed_since_it_was_shown_is_refused_and_nothing_is_scheduled(world):
    approved_item(world, "First")
    cadence = make_cadence(world)
    shown = cadences.plan(cadence)
    other = builders.make_item(world.campaign, "Squeezed in")
    builders.make_publication(builders.make_variant(other), world.account, scheduled_at=at(cadence.starts_on, 8))

    with pytest.raises(WorkflowError) as refusal:
        cadences.apply(cadence, shown.fingerprint, world.editor)

    assert refusal.value.code == "plan_changed"
    assert Publication.objects.filter(variant__item__title="First").count() == 0


def test_applying_is_all_or_nothing(world):
    first, second = approved_item(world, "First"), approved_item(world, "Second")
    cadence = make_cadence(world)
    shown = cadences.plan(cadence)
    # The second item's variant is refused by the platform's limits when it is scheduled.
    second.variants.update(text="x" * 600)

    with pytest.raises(WorkflowError):
        cadences.apply(cadence, shown.fingerprint, world.editor)

    assert not Publication.objects.filter(variant__item__in=[first, second]).exists()
    assert ContentItem.objects.get(pk=first.pk).state == ContentItem.State.APPROVED


def test_a_contributor_cannot_apply_a_cadence(world):
    approved_item(world, "First")
    cadence = make_cadence(world)

    with pytest.raises(WorkflowError) as refusal:
        cadences.apply(cadence, cadences.plan(cadence).fingerprint, world.contributor)

    assert refusal.value.status == 403


def test_a_cadence_needs_valid_times_and_days(world):
    cadence = Cadence(campaign=world.campaign, name="Bad", times=["8am"], weekdays=[7], starts_on=dt.date(2027, 1, 1))

    with pytest.raises(Exception) as refusal:
        cadence.full_clean()

    assert set(refusal.value.message_dict) == {"times", "weekdays"}


def test_the_campaign_page_offers_a_cadence(world):
    cadence = make_cadence(world)

    page = logged_in(world.editor).get(reverse("campaign_detail", args=[world.campaign.pk])).text

    assert reverse("cadence_new", args=[world.campaign.pk]) in page
    assert reverse("cadence_preview", args=[cadence.pk]) in page


def test_a_cadence_made_from_a_preset_shows_its_plan(world):
    approved_item(world, "First")
    starts = cadence_start = timezone.localdate(timezone=PARIS) + dt.timedelta(days=3)
    client = logged_in(world.editor)

    response = client.post(
        reverse("cadence_new", args=[world.campaign.pk]),
        {"preset": "outbreak", "accounts": [world.account.pk], "starts_on": starts.isoformat()},
        follow=True,
    )

    cadence = Cadence.objects.get(campaign=world.campaign)
    assert (cadence.times, cadence.weekdays, cadence.starts_on) == (
        ["08:00", "13:00", "19:00"],
        [0, 1, 2, 3, 4, 5, 6],
        cadence_start,
    )
    assert response.redirect_chain[-1][0] == reverse("cadence_preview", args=[cadence.pk])
    assert "First" in response.text and "planned" in response.text and "free" in response.text


def test_a_custom_cadence_with_bad_times_is_refused_on_its_field(world):
    response = logged_in(world.editor).post(
        reverse("cadence_new", args=[world.campaign.pk]),
        {
            "name": "Mine",
            "times": "8h, 25:00",
            "weekdays": [1],
            "accounts": [world.account.pk],
            "starts_on": "2027-01-04",
        },
    )

    assert response.status_code == 400
    assert "Times of day:" in response.text
    assert not Cadence.objects.exists()


def test_applying_from_the_preview_schedules_the_items(world):
    item = approved_item(world, "First")
    cadence = make_cadence(world)
    client = logged_in(world.editor)
    client.get(reverse("cadence_preview", args=[cadence.pk]))

    response = client.post(
        reverse("cadence_apply", args=[cadence.pk]), {"fingerprint": cadences.plan(cadence).fingerprint}, follow=True
    )

    assert "1 item scheduled." in response.text
    assert ContentItem.objects.get(pk=item.pk).state == ContentItem.State.SCHEDULED


def test_a_stale_preview_is_refused_with_the_new_plan(world):
    approved_item(world, "First")
    cadence = make_cadence(world)

    response = logged_in(world.editor).post(reverse("cadence_apply", args=[cadence.pk]), {"fingerprint": "old"})

    assert response.status_code == 409
    assert "The plan changed since it was shown" in response.text
    assert not Publication.objects.exists()


def test_the_preview_says_when_there_is_no_approved_item(world):
    cadence = make_cadence(world)

    page = logged_in(world.editor).get(reverse("cadence_preview", args=[cadence.pk])).text

    assert "No approved item yet" in page


def test_an_outsider_gets_404_on_another_organisations_cadence(world):
    cadence = make_cadence(world)
    client = logged_in(world.outsider)

    assert client.get(reverse("cadence_preview", args=[cadence.pk])).status_code == 404
    assert client.post(reverse("cadence_apply", args=[cadence.pk]), {"fingerprint": "x"}).status_code == 404
    assert client.get(reverse("cadence_new", args=[world.campaign.pk])).status_code == 404
