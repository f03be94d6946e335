"""The item page's engagement panel: each post's curve and latest figures, where the platform gives them."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import builders
from tests.analytics.history import published_post


def test_the_item_page_shows_each_posts_latest_figures_and_its_curve(world):
    x = builders.make_account(world.ministry, "x", handle="@health_x")
    at = timezone.now() - dt.timedelta(days=10)
    published_post(builders.make_variant(world.item, "x"), x, at, [
        {"impressions": 300, "likes": 3, "shares": 1, "replies": 0, "clicks": 2},
        {"impressions": 2500, "likes": 40, "shares": 9, "replies": 4, "clicks": 11},
    ])  # fmt: skip
    published_post(world.variant, world.account, at, [{"impressions": None, "likes": 7, "clicks": None}])
    client = Client()
    client.force_login(world.editor)

    page = client.get(reverse("item_detail", args=[world.item.pk])).text

    panel = page.split('id="engagement"')[1].split("</section>")[0]
    assert "<svg" in panel and "<script" not in panel
    assert "X · EN (@health_x)" in panel and "Mastodon · EN" in panel
    assert "<td>2,500</td><td>40</td><td>9</td><td>4</td><td>11</td>" in panel
    assert "<td>—</td><td>7</td>" in panel  # Mastodon gives no impressions: not 0
    assert "2 readings" in panel


def test_an_item_not_yet_published_has_no_engagement_panel(world):
    client = Client()
    client.force_login(world.editor)

    assert 'id="engagement"' not in client.get(reverse("item_detail", args=[world.item.pk])).text
