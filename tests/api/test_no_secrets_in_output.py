"""No API response carries a secret: not an account's credentials, an OAuth app's client secret or a webhook's
signing secret (shown once, in the answer that creates it: tests/api/test_webhooks.py), nor their ciphertext."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api import webhooks
from api.models import WebhookEvent
from publishing.models import OAuthApplication

BASENAMES = ["organisation", "member", "campaign", "item", "variant", "media", "account", "publication", "comment",
             "notification", "metric", "webhook"]  # fmt: skip


@pytest.fixture
def secrets(both_full):
    world = both_full
    world.account.credentials = {
        "access_token": "at-out-4e1f", "refresh_token": "rt-out-8c2d", "client_secret": "cs-out-19ab",
        "app_password": "ap-out-77aa",
    }  # fmt: skip
    world.account.save()
    OAuthApplication.objects.create(
        platform="mastodon", server_url=world.account.api_base_url, redirect_uri="https://planner.example/cb",
        scopes="write", client_id="client-out", secrets={"client_secret": "app-cs-out-5d3e"},
    )  # fmt: skip
    hook, hook_secret = webhooks.create_webhook(
        world.ministry, world.admin, "https://hooks.example/secrets", [WebhookEvent.ITEM_APPROVED]
    )
    world.hook = hook
    return world, ["at-out-4e1f", "rt-out-8c2d", "cs-out-19ab", "ap-out-77aa", "app-cs-out-5d3e", hook_secret]


def test_no_list_or_detail_answer_holds_a_secret_or_its_ciphertext(secrets, api_as):
    world, values = secrets
    client = api_as("admin")
    responses = [client.get(reverse(f"api:{name}-list")) for name in BASENAMES]
    responses += [
        client.get(reverse("api:account-detail", args=[world.account.pk])),
        client.get(reverse("api:webhook-list"), HTTP_ACCEPT="text/html"),
        client.get(reverse("api:schema")),
    ]

    for response in responses:
        assert response.status_code == 200, response.request["PATH_INFO"]
        text = response.content.decode()
        for value in values:
            assert value not in text, (response.request["PATH_INFO"], value)
        assert "gAAAAA" not in text, response.request["PATH_INFO"]  # the start of every Fernet token
