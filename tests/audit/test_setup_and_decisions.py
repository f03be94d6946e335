"""Setup (campaigns, library, accounts in the setup site) and people's decisions about publications are recorded."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from campaigns.models import Campaign
from campaigns.workflow import perform
from publishing.models import Publication
from tests import builders
from tests.audit.conftest import trail

P = Publication.State


def test_sending_again_and_confirming_on_the_publication_log_are_recorded(world, web_as):
    failed = builders.make_publication(world.variant, world.account, state=P.FAILED)
    other = builders.make_variant(world.item, platform="mastodon", language="fr")
    unsure = builders.make_publication(other, world.account, state=P.UNCONFIRMED)
    url = "https://mastodon.example/@health/113456"

    web_as("editor").post(reverse("publication_decide", args=[failed.pk]), {"decision": "retry"})
    web_as("manager").post(
        reverse("publication_decide", args=[unsure.pk]), {"decision": "published", "remote_url": url}
    )

    assert trail("publication.retried") == [("eve.editor", "publication", str(failed.pk))]
    assert trail("publication.confirmed") == [("mona.manager", "publication", str(unsure.pk))]
    assert Event.objects.get(action="publication.confirmed").details == {"remote_url": url}
    assert Event.objects.get(action="publication.retried").object_label == f"{world.item.title} — mastodon/en → @health"


def test_sending_again_through_the_api_is_recorded_once(world, api_as):
    failed = builders.make_publication(world.variant, world.account, state=P.EXPIRED)

    response = api_as("editor").post(reverse("api:publication-retry-now", args=[failed.pk]), {}, format="json")

    assert response.status_code == 200, response.json()
    assert trail("publication.retried") == [("eve.editor", "publication", str(failed.pk))]


def test_content_edited_in_the_setup_site_is_recorded_as_an_edit(world, web_as):
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    url = reverse("admin:campaigns_variant_change", args=[world.variant.pk])
    form = {"item": world.item.pk, "platform": "mastodon", "language": "en", "text": "Changed in the admin #FluVaccine",
            "link": "", "first_comment": "", "attachments-TOTAL_FORMS": 0, "attachments-INITIAL_FORMS": 0}  # fmt: skip

    assert web_as("admin").post(url, form).status_code == 302

    assert trail("item.edited") == [("ada.admin", "item", str(world.item.pk))]
    assert Event.objects.get(action="item.edited").details["change"] == "admin"
    assert trail("item.return_to_review") == [("ada.admin", "item", str(world.item.pk))]


def test_campaigns_set_up_through_the_api_and_the_setup_site_are_recorded(world, api_as, web_as):
    today = timezone.localdate()
    body = {"organisation": world.ministry.pk, "name": "Measles catch-up", "goal": "Vaccinate",
            "start_date": today.isoformat(), "end_date": (today + dt.timedelta(days=30)).isoformat(),
            "hashtags": ["#Measles"], "priority": 2}  # fmt: skip
    created = api_as("manager").post(reverse("api:campaign-list"), body, format="json")
    api_as("manager").patch(reverse("api:campaign-detail", args=[world.campaign.pk]), {"goal": "New"}, format="json")
    api_as("manager").patch(reverse("api:campaign-detail", args=[world.campaign.pk]), {"goal": "New"}, format="json")
    form = {"organisation": world.ministry.pk, "name": "Blood donation week", "goal": "More donors",
            "start_date": "2026-06-01", "end_date": "2026-06-14", "priority": 3, "colour": "#c0392b",
            "hashtags": "#GiveBlood", "languages": ["en"]}  # fmt: skip
    web_as("admin").post(reverse("admin:campaigns_campaign_add"), form)

    blood = Campaign.objects.get(name="Blood donation week")
    assert trail("campaign.created") == [
        ("mona.manager", "campaign", str(created.json()["id"])),
        ("ada.admin", "campaign", str(blood.pk)),
    ]
    assert trail("campaign.edited") == [("mona.manager", "campaign", str(world.campaign.pk))]  # once: then unchanged
    assert Event.objects.get(action="campaign.edited").details == {"fields": ["goal"], "via": "api"}


def test_alt_text_edited_in_the_library_is_recorded(world, web_as):
    card = builders.make_media(world.ministry)
    form = {"title": card.title, "tags": "", "campaign": "", "focal_x": "0.5", "focal_y": "0.5",
            "alt_en": "A nurse gives a jab"}  # fmt: skip

    response = web_as("contributor").post(reverse("asset_detail", args=[card.pk]), form)

    assert response.status_code == 302
    assert trail("media.edited") == [("carla.contributor", "media", str(card.pk))]
    assert Event.objects.get(action="media.edited").details == {
        "fields": ["alt_text"], "alt_text": {"en": "A nurse gives a jab"},
    }  # fmt: skip


def test_an_account_changed_in_the_setup_site_is_recorded_without_its_credentials(world, web_as):
    url = reverse("admin:publishing_socialaccount_change", args=[world.account.pk])
    form = {"organisation": world.ministry.pk, "platform": "mastodon", "handle": "@health",
            "api_base_url": world.account.api_base_url, "is_active": "on",
            "new_credentials": '{"access_token": "rotated-secret"}'}  # fmt: skip

    assert web_as("admin").post(url, form).status_code == 302

    assert trail("account.edited") == [("ada.admin", "account", str(world.account.pk))]
    details = Event.objects.get(action="account.edited").details
    assert details == {"fields": [], "login_replaced": True, "via": "setup"}
    assert "rotated-secret" not in str(Event.objects.values_list("details", "object_label"))
