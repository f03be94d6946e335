"""The setup site speaks the person's language down to the field names, which come from the models."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from people.models import Preferences

pytestmark = pytest.mark.django_db


def labels_on(page: str) -> set[str]:
    """The text of each label of a change page, without the label suffix (" :" in French)."""
    found = (html.unescape(text) for text in re.findall(r"<label[^>]*>([^<]+)</label>", page))
    return {text.rstrip(": \u00a0\u202f") for text in found}


@pytest.fixture
def french_admin(world) -> Client:
    Preferences.objects.create(user=world.admin, language="fr")
    client = Client()
    client.force_login(world.admin)
    return client


def test_an_items_change_page_names_its_fields_in_french(world, french_admin):
    page = french_admin.get(reverse("admin:campaigns_contentitem_change", args=[world.item.pk])).content.decode()

    assert {"Campagne", "Titre", "Auteur", "Version", "Créé le", "Modifié le"} <= labels_on(page)
    assert not {"Campaign", "Title", "Author", "Created at"} & labels_on(page)
    assert "Modification de contenu" in page  # the model's name too


def test_an_accounts_change_page_names_its_fields_in_french(world, french_admin):
    page = french_admin.get(reverse("admin:publishing_socialaccount_change", args=[world.account.pk])).content.decode()

    expected = {"Plateforme", "Identifiant", "Nom affiché", "URL de base de l’API", "Le jeton expire le", "Actif"}
    assert expected <= labels_on(page)
    assert not {"Platform", "Handle", "Display name", "API base URL", "Is active"} & labels_on(page)


def test_the_setup_sites_index_names_its_sections_and_models_in_french(french_admin):
    page = html.unescape(french_admin.get(reverse("admin:index")).content.decode())

    for name in ("Campagnes et contenus", "Rapports et objectifs", "Comptes connectés", "Contenus", "Jetons d’API"):
        assert name in page, name
    for name in ("Campaigns and content", "Connected accounts", "Content items", "API tokens"):
        assert name not in page, name
