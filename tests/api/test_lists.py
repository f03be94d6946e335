"""Every list endpoint: paginated by cursor, and showing the user's organisations only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analytics.models import CampaignTarget
from api.models import Webhook
from api.urls import router
from campaigns.models import Campaign, Comment, ContentItem, MediaAsset, Membership, Notification, Organisation, Variant
from publishing.models import Freeze, Metric, Publication, SocialAccount

LISTS = {
    "organisation": Organisation,
    "member": Membership,
    "campaign": Campaign,
    "item": ContentItem,
    "variant": Variant,
    "media": MediaAsset,
    "account": SocialAccount,
    "publication": Publication,
    "comment": Comment,
    "notification": Notification,
    "metric": Metric,
    "webhook": Webhook,
    "target": CampaignTarget,
    "freeze": Freeze,
}
# Who reads a list, when not an editor: webhooks are shown to admins only.
READERS = {"webhook": "admin"}


def test_every_registered_resource_is_in_the_table():
    assert {basename for _, _, basename in router.registry} == set(LISTS)


@pytest.mark.parametrize("basename", sorted(LISTS))
def test_a_list_is_paginated_and_holds_only_the_organisations_rows(both_full, api_as, basename):
    world = both_full
    model = LISTS[basename]
    reader = READERS.get(basename, "editor")

    response = api_as(reader).get(reverse(f"api:{basename}-list"))

    assert response.status_code == 200
    page = response.json()
    assert set(page) == {"next", "previous", "results"}
    ids = {row["id"] for row in page["results"]}
    theirs = set(
        model.objects.for_user(world.outsider)
        .exclude(pk__in=model.objects.for_user(getattr(world, reader)).values("pk"))
        .values_list("pk", flat=True)
    )
    if basename == "notification":
        theirs = set(Notification.objects.exclude(recipient=world.editor).values_list("pk", flat=True))
    assert theirs, "organisation B must have a row to hide"
    assert ids, "organisation A's rows are listed"
    assert not ids & theirs


def test_a_cursor_walks_every_row_once(world, api_as):
    from tests import builders

    for number in range(7):
        builders.make_item(world.campaign, f"Item {number}")
    client = api_as("editor")
    seen: list[int] = []
    url = reverse("api:item-list") + "?page_size=3"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]

    assert sorted(seen, reverse=True) == seen
    assert set(seen) == set(ContentItem.objects.for_user(world.editor).values_list("pk", flat=True))
    assert len(seen) == 8


def test_a_filter_narrows_a_list(world, api_as):
    from tests import builders

    other = builders.make_campaign(world.ministry, "Measles")
    in_other = builders.make_item(other, "Measles jab")

    rows = api_as("editor").get(reverse("api:item-list"), {"campaign": other.pk}).json()["results"]

    assert [row["id"] for row in rows] == [in_other.pk]


def test_filtering_by_another_organisations_campaign_is_like_filtering_by_a_missing_one(world, api_as):
    client = api_as("editor")

    theirs = client.get(reverse("api:item-list"), {"campaign": world.clinic_campaign.pk})
    missing = client.get(reverse("api:item-list"), {"campaign": 999_999})

    assert theirs.status_code == missing.status_code == 200
    assert theirs.json()["results"] == missing.json()["results"] == []


def test_members_show_names_and_roles_but_no_email(both_full, api_as):
    rows = api_as("editor").get(reverse("api:member-list")).json()["results"]

    assert {row["username"] for row in rows} == {
        "carla.contributor", "eve.editor", "mona.manager", "max.manager", "ada.admin"
    }  # fmt: skip
    assert "@example.org" not in str(rows)


def test_a_publication_shows_its_latest_metrics_and_its_series(both_full, api_as):
    publication = Publication.objects.for_user(both_full.editor).get()
    client = api_as("editor")

    row = client.get(reverse("api:publication-detail", args=[publication.pk])).json()
    series = client.get(reverse("api:publication-metrics", args=[publication.pk])).json()

    assert row["state"] == "published" and row["latest_metrics"]["impressions"] == 100
    assert [point["slot"] for point in series] == [0]


def test_the_report_gives_the_campaign_figures(both_full, api_as):
    report = api_as("manager").get(reverse("api:campaign-report", args=[both_full.campaign.pk])).json()

    assert report["campaign"] == both_full.campaign.pk
    assert report["totals"]["posts"] == 1
    assert report["totals"]["reach"] == 100
    assert [row["key"] for row in report["by_platform"]] == ["Mastodon"]


@pytest.mark.parametrize(("prefix", "viewset"), [(prefix, viewset) for prefix, viewset, _ in router.registry])
def test_every_ordering_walks_every_row_once_by_cursor(both_full, api_as, prefix, viewset):
    from tests import builders

    builders.make_item(both_full.campaign, "A second item")
    client = api_as("editor")
    basename = next(name for p, _, name in router.registry if p == prefix)
    everything = {
        row["id"] for row in client.get(reverse(f"api:{basename}-list"), {"page_size": 200}).json()["results"]
    }
    for field in viewset.ordering_fields:
        for ordering in (field, f"-{field}"):
            seen: list[int] = []
            url = reverse(f"api:{basename}-list") + f"?ordering={ordering}&page_size=1"
            while url:
                response = client.get(url)
                assert response.status_code == 200, (ordering, response.json())
                seen += [row["id"] for row in response.json()["results"]]
                url = response.json()["next"]
            assert sorted(seen) == sorted(everything), ordering
