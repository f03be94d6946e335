"""Each person sees the planner in their own language and time zone, chosen on /preferences/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from people.models import Preferences
from tests import builders

pytestmark = pytest.mark.django_db


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def choose(user: object, language: str = "", timezone: str = "") -> None:
    Preferences.objects.update_or_create(user=user, defaults={"language": language, "timezone": timezone})


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


def test_a_french_user_sees_french_pages(world):
    choose(world.editor, language="fr")

    page = logged_in(world.editor).get(reverse("home")).content.decode()

    assert 'lang="fr"' in html_tag(page) and 'dir="ltr"' in html_tag(page)
    assert "Calendrier" in page and "Médiathèque" in page and "Se déconnecter" in page
    assert "Sign out" not in page


def test_an_arabic_user_gets_a_right_to_left_page_in_arabic(world):
    choose(world.editor, language="ar")

    page = logged_in(world.editor).get(reverse("calendar")).content.decode()

    assert 'lang="ar"' in html_tag(page) and 'dir="rtl"' in html_tag(page)
    assert "التقويم" in page and "تسجيل الخروج" in page
    assert "Sign out" not in page


def test_a_person_who_chose_nothing_gets_the_language_their_browser_asks_for(world):
    page = logged_in(world.editor).get(reverse("home"), headers={"accept-language": "fr"}).content.decode()
    assert 'lang="fr"' in html_tag(page)

    choose(world.editor, language="ar")
    page = logged_in(world.editor).get(reverse("home"), headers={"accept-language": "fr"}).content.decode()
    assert 'lang="ar"' in html_tag(page)  # their own choice wins over the browser's


def test_the_language_chosen_on_the_preferences_page_persists_across_sign_ins(world):
    client = logged_in(world.editor)
    answer = client.post(reverse("preferences"), {"language": "fr", "timezone": ""}, follow=True)

    assert answer.redirect_chain[-1][0] == reverse("preferences")
    assert "Vos préférences sont enregistrées." in answer.content.decode()
    client.post(reverse("logout"))

    fresh = Client()
    signed_in = fresh.post(
        reverse("login"), {"username": world.editor.username, "password": builders.PASSWORD}, follow=True
    )
    assert 'lang="fr"' in html_tag(signed_in.content.decode())
    assert 'lang="fr"' in html_tag(fresh.get(reverse("calendar")).content.decode())


def test_the_header_links_to_the_preferences_page(world):
    page = logged_in(world.editor).get(reverse("home")).content.decode()
    assert f'href="{reverse("preferences")}"' in page


def test_an_unknown_time_zone_is_refused_naming_the_field(world):
    answer = logged_in(world.editor).post(reverse("preferences"), {"language": "", "timezone": "Mars/Olympus"})

    assert answer.status_code == 200
    assert "timezone" in answer.context["form"].errors
    assert not Preferences.objects.filter(user=world.editor).exists()


def test_an_unknown_language_is_refused_naming_the_field(world):
    answer = logged_in(world.editor).post(reverse("preferences"), {"language": "xx", "timezone": ""})

    assert "language" in answer.context["form"].errors


def week_page(client: Client) -> str:
    return client.get(reverse("calendar"), {"view": "week", "date": "2027-03-17"}).content.decode()


def test_times_are_shown_in_the_persons_zone_else_their_organisations(world):
    at = dt.datetime(2027, 3, 17, 8, 0, tzinfo=dt.UTC)  # 09:00 in Paris, the fixture's organisation zone
    builders.make_publication(world.variant, world.account, scheduled_at=at)
    client = logged_in(world.editor)

    in_paris = week_page(client)
    assert "times in Europe/Paris" in in_paris and ">09:00</time>" in in_paris

    client.post(reverse("preferences"), {"language": "", "timezone": "Asia/Tokyo"})
    in_tokyo = week_page(client)
    assert "times in Asia/Tokyo" in in_tokyo and ">17:00</time>" in in_tokyo
    assert ">09:00</time>" not in in_tokyo


def test_the_calendar_data_carries_the_persons_zone(world):
    builders.make_publication(world.variant, world.account, scheduled_at=dt.datetime(2027, 3, 17, 8, 0, tzinfo=dt.UTC))
    choose(world.editor, timezone="America/New_York")

    data = logged_in(world.editor).get(reverse("calendar_data"), {"view": "week", "date": "2027-03-17"}).json()

    assert data["organisation"]["timezone"] == "America/New_York"
    assert data["publications"][0]["scheduled_at"] == "2027-03-17T04:00:00-04:00"


def test_a_person_without_an_organisation_sees_times_in_the_installations_zone(db, settings):
    from django.contrib.auth import get_user_model

    loner = get_user_model().objects.create_user("lone.wolf", password=builders.PASSWORD)
    answer = logged_in(loner).get(reverse("preferences"))

    assert answer.status_code == 200
    assert f"({settings.TIME_ZONE})" in answer.content.decode()


def test_numbers_and_dates_follow_the_persons_language(world):
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{% load humanize %}{{ n|intcomma }} {{ x|floatformat:1 }} {{ d|date:"l j F" }}')
    context = Context({"n": 12345, "x": 2.5, "d": dt.date(2027, 3, 17)})
    with translation.override("fr"):
        french = template.render(context)
    with translation.override("en"):
        english = template.render(context)

    assert english == "12,345 2.5 Wednesday 17 March"
    assert french.replace("\u202f", " ").replace("\xa0", " ") == "12 345 2,5 mercredi 17 mars"


def test_the_scripts_messages_come_in_the_persons_language(world):
    choose(world.editor, language="fr")

    catalogue = logged_in(world.editor).get(reverse("javascript-catalog")).content.decode()

    assert '"The move was refused (%s).": "Le d\\u00e9placement a \\u00e9t\\u00e9 refus\\u00e9 (%s)."' in catalogue


def test_the_item_page_shows_and_takes_times_in_the_persons_zone(world):
    at = dt.datetime(2027, 3, 17, 8, 0, tzinfo=dt.UTC)
    publication = builders.make_publication(world.variant, world.account, scheduled_at=at)
    choose(world.manager, timezone="Asia/Tokyo")
    client = logged_in(world.manager)

    page = client.get(reverse("item_detail", args=[world.item.pk])).content.decode()
    assert "17 Mar 2027 17:00" in page and "(Asia/Tokyo)" in page

    client.post(reverse("publication_move", args=[world.item.pk, publication.pk]), {"when": "2027-03-18T09:30"})
    publication.refresh_from_db()
    assert publication.scheduled_at == dt.datetime(2027, 3, 18, 0, 30, tzinfo=dt.UTC)  # 09:30 in Tokyo
