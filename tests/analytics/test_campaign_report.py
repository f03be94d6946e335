"""The campaign report page: its figures, charts drawn on the server, targets, and few queries."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse

from analytics.models import CampaignTarget
from tests import builders
from tests.analytics.history import published_post

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report_url(campaign) -> str:
    return reverse("campaign_report", args=[campaign.pk])


def fill(world, count: int, start: dt.datetime) -> None:
    """`count` posts of the flu campaign on X, one every 5 hours, each reaching 100 with 7 engagements."""
    x = builders.make_account(world.ministry, "x", handle=f"@x{start:%H%M%S}{count}")
    variant = builders.make_variant(builders.make_item(world.campaign, f"Post {start:%H%M%S}{count}"), "x")
    for n in range(count):
        figures = {"impressions": 100, "likes": 4, "shares": 1, "replies": 1, "clicks": 1, "video_views": None}
        published_post(variant, x, start + dt.timedelta(hours=5 * n), [figures])


def test_a_campaign_with_nothing_published_says_what_will_appear(world):
    response = logged_in(world.editor).get(report_url(world.campaign))

    assert response.status_code == 200
    assert "Nothing published yet" in response.text
    assert "No target set for this campaign." in response.text


def test_the_report_shows_the_totals_charts_and_tables(world):
    fill(world, 12, dt.datetime(2026, 11, 2, 9, tzinfo=PARIS))

    response = logged_in(world.editor).get(report_url(world.campaign))

    text = response.text
    assert response.status_code == 200
    assert '<span class="kpi-value">12</span>' in text
    assert '<span class="kpi-value">1,200</span>' in text  # reach
    assert '<span class="kpi-value">84</span>' in text  # engagement
    assert '<span class="kpi-value">7.0 %</span>' in text
    assert text.count("<svg") >= 4 and "<script" not in text.split("<main")[1]
    assert "Platforms compared" in text and "Top items" in text and "Best times to post" in text


@pytest.mark.parametrize("count", [5, 60])
def test_the_report_reads_the_same_few_queries_whatever_the_campaign_holds(world, count, django_assert_max_num_queries):
    fill(world, count, dt.datetime(2026, 10, 1, 8, tzinfo=PARIS))
    client = logged_in(world.editor)

    # session, user, their language and zone, their two-factor device and sign-in policy (security/), campaign,
    # variants, 3 aggregates, targets, page frame
    with django_assert_max_num_queries(14):
        assert client.get(report_url(world.campaign)).status_code == 200


def test_targets_show_their_progress_and_pace(world):
    world.campaign.start_date, world.campaign.end_date = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    world.campaign.save()
    fill(world, 10, dt.datetime(2026, 11, 2, 9, tzinfo=PARIS))
    CampaignTarget.objects.create(campaign=world.campaign, measure="reach", target=2000)
    CampaignTarget.objects.create(campaign=world.campaign, measure="items", target=5, platform="x")
    CampaignTarget.objects.create(campaign=world.campaign, measure="outcome", target=500, label="Donors registered")

    from analytics import reports

    progress = {p.target.measure: p for p in reports.campaign_report(world.campaign)["progress"]}

    assert (progress["reach"].achieved, progress["reach"].percent) == (1000, 50)
    assert progress["items"].status == "reached"
    assert progress["outcome"].achieved is None and progress["outcome"].status == "unknown"


def test_a_manager_adds_a_target_and_enters_an_outcome(world):
    client = logged_in(world.manager)

    added = client.post(reverse("target_add", args=[world.campaign.pk]),
                        {"measure": "outcome", "target": "5000", "label": "Blood donors registered"})  # fmt: skip
    target = CampaignTarget.objects.get()
    entered = client.post(reverse("target_outcome", args=[world.campaign.pk, target.pk]), {"achieved": "3120"})

    assert (added.status_code, entered.status_code) == (302, 302)
    target.refresh_from_db()
    assert (target.label, target.target, target.achieved, target.updated_by) == (
        "Blood donors registered", 5000, 3120, world.manager,
    )  # fmt: skip
    page = client.get(report_url(world.campaign)).text
    assert "3,120 of 5,000 (62 %)" in page


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        ({"measure": "outcome", "target": "100"}, "label", "Name the outcome"),
        ({"measure": "reach", "target": "0"}, "target", "above zero"),
        ({"measure": "reach", "target": "10", "platform": "x"}, "platform", "posts published"),
        ({"measure": "reach", "target": "10", "achieved": "3"}, "achieved", "by hand"),
    ],
)
def test_a_target_that_makes_no_sense_is_refused_naming_its_field(world, form, field, words):
    response = logged_in(world.manager).post(reverse("target_add", args=[world.campaign.pk]), form)

    assert response.status_code == 400
    assert words in str(response.context["target_form"].errors[field])
    assert not CampaignTarget.objects.exists()


def test_editors_see_targets_but_only_managers_set_them(world):
    CampaignTarget.objects.create(campaign=world.campaign, measure="reach", target=2000)
    client = logged_in(world.editor)

    assert "Add a target" not in client.get(report_url(world.campaign)).text
    refused = client.post(reverse("target_add", args=[world.campaign.pk]), {"measure": "reach", "target": "9"})
    assert refused.status_code == 403
    assert CampaignTarget.objects.count() == 1


def test_another_organisations_report_is_not_found(world):
    assert logged_in(world.outsider).get(report_url(world.campaign)).status_code == 404
