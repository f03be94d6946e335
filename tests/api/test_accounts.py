"""Connected accounts through the API: never a credential, a token or a secret."""

from __future__ import annotations

import json

from django.urls import reverse

from publishing.models import SocialAccount


def test_no_accounts_response_holds_any_credential(both_full, api_as):
    world = both_full
    account = world.account
    account.credentials = {
        "access_token": "at-7f3a9c-very-secret", "refresh_token": "rt-0b1d2e-very-secret",
        "app_password": "ap-xxxx-yyyy", "client_secret": "cs-12345",
    }  # fmt: skip
    account.token_expires_at = None
    account.save()
    client = api_as("admin")
    responses = [
        client.get(reverse("api:account-list")),
        client.get(reverse("api:account-detail", args=[account.pk])),
        client.get(reverse("api:account-list"), {"platform": "mastodon"}),
        client.get(reverse("api:publication-list")),
        client.get(reverse("api:account-detail", args=[account.pk]), HTTP_ACCEPT="text/html"),
    ]

    stored = SocialAccount.objects.get(pk=account.pk).credentials
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode()
        for key, value in stored.items():
            assert value not in text, (response.request["PATH_INFO"], key)
            assert key not in text, (response.request["PATH_INFO"], key)
        assert '"credentials"' not in text and "api_base_url" not in text
    detail = json.loads(responses[1].content)
    assert detail["handle"] == account.handle and detail["state"]["code"] == "connected"
