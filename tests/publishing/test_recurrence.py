"""Recurring items: a rule's occurrences in wall-clock time, and one publication per occurrence."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from campaigns import workflow
from campaigns.models import ContentItem
from campaigns.workflow import WorkflowError, perform
from publishing import recurrence, scheduling
from publishing.models import Publication, Recurrence
from publishing.sending import send
from tests import processes

P = Publication.State
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NINE = dt.time(9, 0)


def rule(**fields: object) -> Recurrence:
    defaults = {"frequency": "daily", "local_time": NINE, "timezone": "Europe/Paris", "starts_on": dt.date(2027, 3, 26)}
    return Recurrence(**(defaults | fields))


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


@pytest.fixture
def approved(world):
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    return world


def repeat_daily(world, days: int = 5, start: dt.date | None = None) -> list[Publication]:
    start = start or timezone.localdate(timezone=PARIS) + dt.timedelta(days=1)
    return recurrence.schedule_recurring(
        world.item, world.editor, rule(starts_on=start, count=days), [(world.variant, world.account)]
    )


# Occurrences: wall-clock time across daylight-saving changes.


def test_a_daily_nine_oclock_in_paris_stays_at_nine_across_the_spring_change():
    found = recurrence.occurrences(rule(starts_on=dt.date(2027, 3, 26), count=4))

    assert [o.on for o in found] == [dt.date(2027, 3, d) for d in (26, 27, 28, 29)]
    assert [o.at for o in found] == [utc(2027, 3, 26, 8), utc(2027, 3, 27, 8), utc(2027, 3, 28, 7), utc(2027, 3, 29, 7)]
    assert {o.at.astimezone(PARIS).time() for o in found} == {NINE}


def test_a_daily_nine_oclock_in_paris_stays_at_nine_across_the_autumn_change():
    found = recurrence.occurrences(rule(starts_on=dt.date(2027, 10, 30), count=3))

    assert [o.at for o in found] == [utc(2027, 10, 30, 7), utc(2027, 10, 31, 8), utc(2027, 11, 1, 8)]
    assert {o.at.astimezone(PARIS).time() for o in found} == {NINE}


@pytest.mark.parametrize("start", [dt.date(2027, 3, 26), dt.date(2027, 10, 29)])
def test_in_a_zone_without_daylight_saving_the_utc_instant_never_moves(start):
    found = recurrence.occurrences(rule(timezone="Asia/Riyadh", starts_on=start, count=5))

    assert {o.at.time() for o in found} == {dt.time(6, 0)}  # Riyadh is UTC+3 all year
    assert len({o.on for o in found}) == 5


def test_a_time_the_spring_change_skips_goes_out_an_hour_later_that_day():
    [before, gap, after] = recurrence.occurrences(
        rule(local_time=dt.time(2, 30), starts_on=dt.date(2027, 3, 27), count=3)
    )

    assert gap.at == utc(2027, 3, 28, 1, 30)  # 03:30 summer time: the offset before the change, as iCalendar says
    assert before.at.astimezone(PARIS).time() == after.at.astimezone(PARIS).time() == dt.time(2, 30)


def test_a_time_the_autumn_change_repeats_is_its_first_pass():
    [occurrence] = recurrence.occurrences(rule(local_time=dt.time(2, 30), starts_on=dt.date(2027, 10, 31), count=1))

    assert occurrence.at == utc(2027, 10, 31, 0, 30)  # 02:30 summer time, not the second 02:30 an hour later


def test_a_weekly_rule_falls_on_the_chosen_days_from_its_first_day():
    # 2027-03-03 is a Wednesday: Monday the 1st is before the start.
    found = recurrence.occurrences(rule(frequency="weekly", weekdays=[0, 2, 4], starts_on=dt.date(2027, 3, 3), count=5))

    assert [o.on for o in found] == [dt.date(2027, 3, d) for d in (3, 5, 8, 10, 12)]


def test_a_weekly_rule_every_other_week():
    found = recurrence.occurrences(
        rule(frequency="weekly", interval=2, weekdays=[1], starts_on=dt.date(2027, 3, 1), count=3)
    )

    assert [o.on for o in found] == [dt.date(2027, 3, 2), dt.date(2027, 3, 16), dt.date(2027, 3, 30)]


def test_a_monthly_rule_on_the_31st_uses_the_last_day_of_shorter_months():
    found = recurrence.occurrences(rule(frequency="monthly", day_of_month=31, starts_on=dt.date(2027, 12, 1), count=5))

    assert [o.on for o in found] == [
        dt.date(2027, 12, 31), dt.date(2028, 1, 31), dt.date(2028, 2, 29), dt.date(2028, 3, 31), dt.date(2028, 4, 30),
    ]  # fmt: skip


def test_a_monthly_rule_starting_after_its_day_begins_the_next_month():
    found = recurrence.occurrences(rule(frequency="monthly", day_of_month=5, starts_on=dt.date(2027, 1, 20), count=2))

    assert [o.on for o in found] == [dt.date(2027, 2, 5), dt.date(2027, 3, 5)]


def test_until_is_the_last_day_included_and_count_the_number_of_occurrences():
    until = recurrence.occurrences(rule(starts_on=dt.date(2027, 5, 1), until=dt.date(2027, 5, 3)))
    counted = recurrence.occurrences(rule(frequency="weekly", weekdays=[0], starts_on=dt.date(2027, 5, 1), count=3))

    assert [o.on for o in until] == [dt.date(2027, 5, 1), dt.date(2027, 5, 2), dt.date(2027, 5, 3)]
    assert [o.on for o in counted] == [dt.date(2027, 5, 3), dt.date(2027, 5, 10), dt.date(2027, 5, 17)]


def test_a_rule_past_the_horizon_is_too_long():
    assert recurrence.has_too_many(rule(starts_on=dt.date(2027, 1, 1), until=dt.date(2028, 6, 1)))
    assert not recurrence.has_too_many(rule(starts_on=dt.date(2027, 1, 1), until=dt.date(2027, 12, 31)))
    assert len(recurrence.occurrences(rule(starts_on=dt.date(2027, 1, 1), until=dt.date(2030, 1, 1)))) == 366


# Scheduling the occurrences.


def test_scheduling_a_rule_makes_one_publication_per_occurrence_and_target(approved):
    world = approved
    start = dt.date(2027, 3, 27)

    publications = repeat_daily(world, days=3, start=start)

    [saved] = Recurrence.objects.all()
    assert (saved.item, saved.created_by, saved.targets) == (
        world.item,
        world.editor,
        [[world.variant.pk, world.account.pk]],
    )
    assert [(p.occurrence_on, p.scheduled_at) for p in publications] == [
        (dt.date(2027, 3, 27), utc(2027, 3, 27, 8)), (dt.date(2027, 3, 28), utc(2027, 3, 28, 7)),
        (dt.date(2027, 3, 29), utc(2027, 3, 29, 7)),
    ]  # fmt: skip
    assert all(p.latest_acceptable_at - p.scheduled_at == scheduling.DEFAULT_LATE_CUTOFF for p in publications)
    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.SCHEDULED


def test_occurrences_already_past_are_not_scheduled(approved):
    world = approved
    today = timezone.localdate(timezone=PARIS)

    publications = recurrence.schedule_recurring(
        world.item, world.editor, rule(local_time=dt.time(0, 0), starts_on=today, count=3),
        [(world.variant, world.account)],
    )  # fmt: skip

    assert [p.occurrence_on for p in publications] == [today + dt.timedelta(days=1), today + dt.timedelta(days=2)]


def test_content_not_approved_cannot_repeat_and_nothing_is_saved(world):
    with pytest.raises(WorkflowError) as refusal:
        repeat_daily(world)

    assert refusal.value.code == "not_approved"
    assert not Recurrence.objects.exists() and not Publication.objects.exists()


def test_a_contributor_cannot_schedule_a_repeat(approved):
    world = approved
    with pytest.raises(WorkflowError) as refusal:
        recurrence.schedule_recurring(
            world.item,
            world.contributor,
            rule(count=2, starts_on=dt.date(2027, 5, 1)),
            [(world.variant, world.account)],
        )

    assert refusal.value.status == 403
    assert not Recurrence.objects.exists() and not Publication.objects.exists()


def test_an_account_of_another_organisation_is_refused(approved):
    world = approved
    with pytest.raises(WorkflowError) as refusal:
        recurrence.schedule_recurring(
            world.item,
            world.editor,
            rule(count=2, starts_on=dt.date(2027, 5, 1)),
            [(world.variant, world.clinic_account)],
        )

    assert refusal.value.code == "invalid_target"
    assert not Publication.objects.exists()


def test_skipping_one_occurrence_cancels_it_alone(approved):
    world = approved
    _, second, _ = repeat_daily(world, days=3)

    recurrence.skip_occurrence(second, world.editor)

    second.refresh_from_db()
    assert (second.state, second.last_error) == (P.CANCELLED, "Skipped by eve.editor.")
    assert second.skipped_at is not None
    assert set(Publication.objects.exclude(pk=second.pk).values_list("state", flat=True)) == {P.SCHEDULED}
    assert Event.objects.filter(action="publication.skipped", object_id=second.pk).exists()


def test_a_one_off_publication_is_not_skipped_but_unscheduled(approved):
    world = approved
    [publication] = scheduling.schedule(world.item, world.editor, [(world.variant, world.account)], timezone.now())

    with pytest.raises(WorkflowError) as refusal:
        recurrence.skip_occurrence(publication, world.editor)

    assert refusal.value.code == "not_recurring"


def test_a_contributor_cannot_skip_an_occurrence(approved):
    world = approved
    first, *_ = repeat_daily(world, days=2)

    with pytest.raises(WorkflowError) as refusal:
        recurrence.skip_occurrence(first, world.contributor)

    assert refusal.value.status == 403
    assert Publication.objects.get(pk=first.pk).state == P.SCHEDULED


def test_moving_one_occurrence_leaves_the_others_at_their_time(approved):
    world = approved
    first, second, third = repeat_daily(world, days=3)
    later = second.scheduled_at + dt.timedelta(hours=2)

    scheduling.reschedule(second, world.editor, later)

    assert Publication.objects.get(pk=second.pk).scheduled_at == later
    assert [Publication.objects.get(pk=p.pk).scheduled_at for p in (first, third)] == [
        first.scheduled_at,
        third.scheduled_at,
    ]


def test_an_edit_voids_the_future_occurrences_and_reapplying_after_approval_brings_them_back_once(approved):
    world = approved
    first, second, third = repeat_daily(world, days=3)
    recurrence.skip_occurrence(third, world.editor)

    world.variant.text += " Free at every pharmacy."
    world.variant.save()
    workflow.record_edit(world.item, world.editor)

    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.IN_REVIEW
    assert set(Publication.objects.values_list("state", flat=True)) == {P.CANCELLED}
    with pytest.raises(WorkflowError) as refusal:  # the edited content is not approved yet
        recurrence.reschedule_remaining(Recurrence.objects.get(), world.editor)
    assert refusal.value.code == "not_approved"

    perform(world.item, "approve", world.manager)
    again = recurrence.reschedule_remaining(Recurrence.objects.get(), world.editor)

    assert sorted(p.pk for p in again) == [first.pk, second.pk]  # the same rows: nothing doubled
    assert Publication.objects.count() == 3
    assert Publication.objects.get(pk=third.pk).state == P.CANCELLED  # the skipped one stays skipped
    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.SCHEDULED


def test_applying_a_rule_again_with_nothing_missing_creates_nothing(approved):
    world = approved
    repeat_daily(world, days=3)
    perform(world.item, "unschedule", world.editor)
    recurrence.reschedule_remaining(Recurrence.objects.get(), world.editor)
    perform(world.item, "unschedule", world.editor)
    recurrence.reschedule_remaining(Recurrence.objects.get(), world.editor)

    assert Publication.objects.count() == 3
    assert Publication.objects.filter(state=P.SCHEDULED).count() == 3
    with pytest.raises(WorkflowError) as refusal:
        recurrence.reschedule_remaining(Recurrence.objects.get(), world.editor)
    assert refusal.value.code == "nothing_to_schedule"


def test_an_occurrence_at_the_time_of_a_one_off_publication_is_refused_whole(approved):
    world = approved
    start = timezone.localdate(timezone=PARIS) + dt.timedelta(days=2)
    clash = recurrence.wall_clock_instant(start, NINE, PARIS)
    builders_publication = Publication.objects.create(variant=world.variant, account=world.account, scheduled_at=clash)

    with pytest.raises(WorkflowError) as refusal:
        repeat_daily(world, days=3, start=start - dt.timedelta(days=1))

    assert refusal.value.code == "duplicate"
    assert list(Publication.objects.all()) == [builders_publication]
    assert not Recurrence.objects.exists()


@pytest.fixture
def on_sandbox_repeating(approved, live_server, transactional_db):
    world = approved
    world.account.api_base_url = f"{live_server.url}/sandbox/mastodon/"
    world.account.save(update_fields=["api_base_url"])
    yield world
    processes.wait_for_other_sessions()


def send_now(publication: Publication, actor) -> str | None:
    scheduling.reschedule(publication, actor, timezone.now())
    scheduling.claim_due(timezone.now() + dt.timedelta(seconds=1), 10)
    return send(publication.pk)


def test_later_occurrences_still_go_out_after_the_first_is_published(on_sandbox_repeating):
    world = on_sandbox_repeating
    first, second = repeat_daily(world, days=2)

    assert send_now(first, world.editor) == P.PUBLISHED
    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.SCHEDULED  # one still to go
    assert send_now(second, world.editor) == P.PUBLISHED
    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.PUBLISHED


# The item page.


def repeat_data(world, **fields: object) -> dict[str, object]:
    start = timezone.localdate(timezone=PARIS) + dt.timedelta(days=1)
    data = {
        "frequency": "daily", "interval": 1, "local_time": "09:00", "starts_on": start.isoformat(), "count": 3,
        "targets": [f"{world.variant.pk}:{world.account.pk}"],
    }  # fmt: skip
    return {key: value for key, value in (data | fields).items() if value is not None}


def test_the_item_page_offers_to_repeat_an_approved_item(approved, client):
    client.force_login(approved.editor)

    page = client.get(reverse("item_detail", args=[approved.item.pk])).content.decode()

    assert reverse("item_repeat", args=[approved.item.pk]) in page
    assert "Schedule the repeats" in page


def test_a_preview_lists_the_first_occurrences_in_wall_clock_time_and_saves_nothing(approved, client):
    client.force_login(approved.editor)

    response = client.post(reverse("item_repeat", args=[approved.item.pk]), repeat_data(approved, preview="1"))

    assert response.status_code == 200
    assert response.content.decode().count("09:00</time>") == 3
    assert not Recurrence.objects.exists() and not Publication.objects.exists()


def test_saving_a_repeat_schedules_its_occurrences(approved, client):
    client.force_login(approved.editor)

    response = client.post(reverse("item_repeat", args=[approved.item.pk]), repeat_data(approved, save="1"))

    assert response.status_code == 302
    assert Publication.objects.filter(recurrence__isnull=False, state=P.SCHEDULED).count() == 3
    page = client.get(reverse("item_detail", args=[approved.item.pk])).content.decode()
    assert "repeats" in page and "Skip" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"count": None}, "until", "Say when it stops"),
        ({"until": "2099-01-01"}, "until", "Say when it stops"),
        ({"count": None, "until": "2000-01-01"}, "until", "comes before the first day"),
        ({"starts_on": "2000-01-01"}, "starts_on", "This day has passed"),
        ({"frequency": "weekly"}, "weekdays", "Choose at least one day"),
        ({"count": 400}, "count", "less than or equal to 366"),
        ({"count": None, "until": "2099-01-01", "starts_on": "2097-01-01"}, "until", "more than 366 occurrences"),
        ({"local_time": "25:00"}, "local_time", "valid time"),
    ],
)
def test_a_bad_rule_is_refused_on_its_field(approved, client, fields, field, message):
    client.force_login(approved.editor)

    response = client.post(reverse("item_repeat", args=[approved.item.pk]), repeat_data(approved, save="1", **fields))

    assert response.status_code == 400
    form = response.context["repeat"]["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert not Recurrence.objects.exists() and not Publication.objects.exists()


def test_skipping_and_reapplying_from_the_item_page(approved, client):
    world = approved
    client.force_login(world.editor)
    first, second = repeat_daily(world, days=2)

    response = client.post(reverse("publication_skip", args=[world.item.pk, first.pk]))
    assert response.status_code == 302
    assert Publication.objects.get(pk=first.pk).skipped_at is not None

    workflow.record_edit(world.item, world.editor)
    perform(world.item, "approve", world.manager)
    page = client.get(reverse("item_detail", args=[world.item.pk])).content.decode()
    assert "Re-schedule the remaining occurrences" in page
    response = client.post(reverse("item_repeat_again", args=[world.item.pk]))

    assert response.status_code == 302
    assert Publication.objects.get(pk=second.pk).state == P.SCHEDULED
    assert Publication.objects.get(pk=first.pk).state == P.CANCELLED


def test_skipping_what_is_not_pending_answers_conflict(approved, client):
    world = approved
    client.force_login(world.editor)
    first, _ = repeat_daily(world, days=2)
    recurrence.skip_occurrence(first, world.editor)

    response = client.post(reverse("publication_skip", args=[world.item.pk, first.pk]))

    assert response.status_code == 409


@pytest.mark.parametrize("name", ["item_repeat", "item_repeat_again"])
def test_an_outsider_cannot_repeat_another_organisations_item(approved, client, name):
    client.force_login(approved.outsider)

    response = client.post(reverse(name, args=[approved.item.pk]), repeat_data(approved, save="1"))

    assert response.status_code == 404
    assert not Recurrence.objects.exists()


def test_an_outsider_cannot_skip_another_organisations_occurrence(approved, client):
    first, _ = repeat_daily(approved, days=2)
    client.force_login(approved.outsider)

    response = client.post(reverse("publication_skip", args=[approved.item.pk, first.pk]))

    assert response.status_code == 404
    assert Publication.objects.get(pk=first.pk).state == P.SCHEDULED


def test_the_calendar_marks_each_occurrence_as_a_repeat(approved, client):
    world = approved
    start = timezone.localdate(timezone=PARIS) + dt.timedelta(days=1)
    repeat_daily(world, days=2, start=start)
    client.force_login(world.editor)

    data = client.get(reverse("calendar_data"), {"view": "list", "day": start.isoformat()}).json()
    page = client.get(reverse("calendar"), {"view": "list", "day": start.isoformat()}).content.decode()

    shown = [p for p in data["publications"] if p["item_id"] == world.item.pk]
    assert shown and all(p["repeats"] for p in shown)
    assert 'class="chip-repeats"' in page
