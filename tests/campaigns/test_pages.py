"""Sign-in, the home page with the user's campaigns, and a campaign's board."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ContentItem
from tests import builders


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_ask_for_sign_in_first(db):
    response = Client().get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_member_signs_in_with_username_and_password(world):
    client = Client()

    response = client.post(reverse("login"), {"username": "eve.editor", "password": builders.PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Flu vaccination" in response.text


def test_a_wrong_password_is_refused_with_a_message(world):
    response = Client().post(reverse("login"), {"username": "eve.editor", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


def test_sign_out_ends_the_session(world):
    client = logged_in(world.editor)

    client.post(reverse("logout"))

    assert client.get(reverse("home")).status_code == 302


def test_home_shows_item_counts_and_marks_running_campaigns(world):
    item = builders.make_item(world.campaign, "In review", state=ContentItem.State.IN_REVIEW)
    builders.make_item(world.campaign, "Old", state=ContentItem.State.ARCHIVED)

    page = logged_in(world.editor).get(reverse("home")).text

    assert "2 items" in page  # the draft and the item in review; archived ones are not counted
    assert "<strong>1</strong> in review" in page
    assert "running" in page
    assert item.title not in page


def test_home_explains_what_to_do_when_there_is_no_campaign(world):
    world.ministry.campaigns.all().delete()

    page = logged_in(world.editor).get(reverse("home")).text

    assert "No campaigns yet" in page


def test_home_tells_someone_without_an_organisation_to_ask_an_admin(db):
    from django.contrib.auth import get_user_model

    loner = get_user_model().objects.create_user("loner", password=builders.PASSWORD)

    page = logged_in(loner).get(reverse("home")).text

    assert "not a member of any organisation" in page


def test_campaign_board_groups_items_by_state(world):
    builders.make_item(world.campaign, "Approved post", state=ContentItem.State.APPROVED)

    page = logged_in(world.contributor).get(reverse("campaign_detail", args=[world.campaign.pk])).text

    assert "Get your flu jab" in page
    assert "Approved post" in page
    assert page.index("Draft") < page.index("Get your flu jab") < page.index("Approved post")


def test_campaign_board_has_an_empty_state(world):
    empty = builders.make_campaign(
        world.ministry, "Heat-wave alert", start_date=timezone.localdate() + dt.timedelta(days=3)
    )

    page = logged_in(world.editor).get(reverse("campaign_detail", args=[empty.pk])).text

    assert "No content yet" in page


def test_a_campaign_runs_by_the_date_where_its_organisation_works(world):
    world.ministry.timezone = "Pacific/Kiritimati"  # UTC+14: already tomorrow for most of the world
    local_today = (timezone.now() + dt.timedelta(hours=14)).date()
    world.campaign.start_date = world.campaign.end_date = local_today

    assert world.ministry.today() == local_today
    assert world.campaign.is_running_on(world.ministry.today())
    assert not world.campaign.is_running_on(local_today - dt.timedelta(days=1))
