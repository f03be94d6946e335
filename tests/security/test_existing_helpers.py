"""The ways the other tests sign in still work with django-axes and django-otp installed."""

from __future__ import annotations

from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from tests import builders
from tests.campaigns.test_pages import logged_in


def test_force_login_helpers_reach_the_pages(world):
    assert logged_in(world.editor).get(reverse("home")).status_code == 200
    assert logged_in(world.admin).get(reverse("admin:index")).status_code == 200


def test_the_sign_in_form_the_browser_tests_fill_in_still_leads_home(world):
    client = Client()

    response = client.post(reverse("login"), {"username": "eve.editor", "password": builders.PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]


def test_client_login_works_when_given_a_request(world):
    # django-axes needs the request of every authenticate(); Client.login passes its keywords through.
    client = Client()

    assert client.login(request=HttpRequest(), username="eve.editor", password=builders.PASSWORD)
    assert client.get(reverse("home")).status_code == 200
