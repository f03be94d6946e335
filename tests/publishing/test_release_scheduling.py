"""The item's scheduling form: "release together" joins an upcoming release, or plans a new one at the time typed."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from campaigns.models import ContentItem
from campaigns.workflow import perform
from publishing import freezes, scheduling
from publishing.models import Release
from tests import builders


def approved(world, item: ContentItem | None = None, *, alert: bool = False) -> ContentItem:
    item = item or world.item
    item.author = world.contributor
    if alert:
        item.kind = ContentItem.Kind.ALERT
    item.save()
    perform(item, "submit", world.contributor)
    perform(item, "approve", world.manager)
    if alert:
        perform(item, "approve", world.second_manager)
    return item


def editor(world) -> Client:
    client = Client()
    client.force_login(world.editor)
    return client


def local(world, when: dt.datetime) -> str:
    return timezone.localtime(when, world.ministry.zone).strftime("%Y-%m-%dT%H:%M")


def in_days(days: int, hour: int, world) -> dt.datetime:
    day = timezone.localtime(timezone.now(), world.ministry.zone).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=world.ministry.zone)


def schedule(world, client: Client, item: ContentItem | None = None, **fields: object):
    item = item or world.item
    variant = item.variants.get()
    data = {"when": local(world, in_days(3, 10, world)), "targets": [f"{variant.pk}:{world.account.pk}"]} | fields
    return client.post(reverse("item_schedule", args=[item.pk]), data)


def test_the_form_offers_the_organisations_upcoming_releases_only(world):
    approved(world)
    Release.objects.create(organisation=world.ministry, name="Measles figures", instant=in_days(2, 10, world))
    Release.objects.create(organisation=world.ministry, name="Gone out", instant=timezone.now() - dt.timedelta(hours=1))
    Release.objects.create(
        organisation=world.ministry, name="Going out", instant=timezone.now() + dt.timedelta(seconds=5)
    )
    Release.objects.create(organisation=world.clinic, name="Clinic news", instant=in_days(2, 10, world))

    page = editor(world).get(reverse("item_detail", args=[world.item.pk])).text

    assert "Release together" in page and "Measles figures" in page
    assert "Gone out" not in page and "Going out" not in page and "Clinic news" not in page


def test_joining_a_release_schedules_at_its_instant_whatever_the_time_typed(world):
    approved(world)
    instant = in_days(2, 10, world)
    release = Release.objects.create(organisation=world.ministry, name="Measles figures", instant=instant)

    response = schedule(world, editor(world), release=release.pk)

    assert response.status_code == 302
    publication = world.variant.publications.get()
    assert publication.release == release and publication.scheduled_at == instant


def test_a_new_release_is_planned_at_the_time_typed_with_its_embargo_note(world):
    approved(world)
    when = in_days(3, 10, world)

    response = schedule(world, editor(world), when=local(world, when), new_release_name=" Vaccination week ",
                        new_release_note="Embargoed until the minister speaks.")  # fmt: skip

    assert response.status_code == 302
    release = Release.objects.get(organisation=world.ministry)
    assert (release.name, release.instant, release.embargo_note) == (
        "Vaccination week",
        when,
        "Embargoed until the minister speaks.",
    )
    assert list(release.publications.all()) == list(world.variant.publications.all())
    assert Event.objects.filter(action="release.created", object_id=str(release.pk)).exists()


def test_a_new_release_in_the_past_is_refused_on_the_time_field_and_nothing_is_planned(world):
    approved(world)

    response = schedule(world, editor(world), when=local(world, timezone.now() - dt.timedelta(days=1)),
                        new_release_name="Too late")  # fmt: skip

    assert response.status_code == 400 and "This time has passed" in response.text
    assert not Release.objects.exists() and not world.variant.publications.exists()


def test_a_new_release_inside_quiet_hours_is_refused_whole_and_an_alert_passes(world):
    world.account.quiet_from, world.account.quiet_until = dt.time(22, 0), dt.time(7, 0)
    world.account.save()
    approved(world)
    night = local(world, in_days(3, 23, world))

    refused = schedule(world, editor(world), when=night, new_release_name="Night news")
    alert = builders.make_item(world.campaign, "Boil your water")
    builders.make_variant(alert)
    approved(world, alert, alert=True)
    passed = schedule(world, editor(world), item=alert, when=night, new_release_name="Night alert")

    assert refused.status_code == 400 and "quiet hours" in refused.text
    assert not world.variant.publications.exists()
    assert passed.status_code == 302
    assert list(Release.objects.values_list("name", flat=True)) == ["Night alert"]


def test_a_release_is_not_joined_or_planned_while_publishing_is_paused(world):
    approved(world)
    release = Release.objects.create(organisation=world.ministry, name="Measles figures", instant=in_days(2, 10, world))
    freezes.start_freeze(world.ministry, world.manager, "Figures disputed", account=world.account)

    joined = schedule(world, editor(world), release=release.pk)
    planned = schedule(world, editor(world), new_release_name="Vaccination week")

    for response in (joined, planned):
        assert response.status_code == 409 and "Publishing is paused (Figures disputed)" in response.text
    assert not world.variant.publications.exists() and Release.objects.count() == 1


def test_a_release_about_to_go_out_can_no_longer_be_joined(world):
    approved(world)
    release = Release.objects.create(organisation=world.ministry, name="Measles figures", instant=in_days(2, 10, world))
    form_page = editor(world).get(reverse("item_detail", args=[world.item.pk]))
    assert "Measles figures" in form_page.text
    Release.objects.filter(pk=release.pk).update(instant=timezone.now() + scheduling.RELEASE_CLAIM_AHEAD / 2)

    response = schedule(world, editor(world), release=release.pk)

    assert response.status_code == 400 and "Select a valid choice" in response.text
    assert not world.variant.publications.exists()


def test_choosing_a_release_and_naming_a_new_one_is_refused_naming_the_field(world):
    approved(world)
    release = Release.objects.create(organisation=world.ministry, name="Measles figures", instant=in_days(2, 10, world))

    response = schedule(world, editor(world), release=release.pk, new_release_name="Another")

    assert response.status_code == 400 and "Choose an existing release or name a new one, not both." in response.text
    assert not world.variant.publications.exists()


def test_another_organisations_release_cannot_be_joined(world):
    approved(world)
    theirs = Release.objects.create(organisation=world.clinic, name="Clinic news", instant=in_days(2, 10, world))

    response = schedule(world, editor(world), release=theirs.pk)

    assert response.status_code == 400 and "Select a valid choice" in response.text
    assert not theirs.publications.exists()
