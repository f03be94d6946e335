"""Posting to the sandbox: created once per idempotency key, found again, limits, authentication."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from publishing.sandbox.models import SandboxAccount, SandboxPost


def test_a_post_is_created_and_recorded_with_its_whole_body(sandbox):
    media = [{"url": "https://cdn.example.org/flu.png", "alt": "A nurse giving a flu jab"}]

    response = sandbox.publish("Get your flu jab.", key="key-1", link="https://who.int/flu", media=media)

    assert response.status_code == 201
    body = response.json()
    assert body["url"] == f"http://testserver/sandbox/mastodon/posts/{body['id']}"
    assert body["created_at"].endswith("Z")
    post = SandboxPost.objects.get()
    assert (post.remote_id, post.text, post.link, post.media) == (
        body["id"],
        "Get your flu jab.",
        "https://who.int/flu",
        media,
    )
    assert post.idempotency_key == "key-1"
    assert post.payload == {"text": "Get your flu jab.", "link": "https://who.int/flu", "media": media}
    assert post.account.platform == "mastodon"


def test_a_retry_with_the_same_idempotency_key_returns_the_stored_post_and_stores_no_other(sandbox):
    first = sandbox.publish("Get your flu jab.", key="key-1")

    retry = sandbox.publish("Get your flu jab.", key="key-1")

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert SandboxPost.objects.count() == 1


def test_the_same_key_on_another_account_is_another_post(sandbox, sandbox_for):
    sandbox.publish(key="key-1")

    response = sandbox_for(token="token-of-the-clinic").publish(key="key-1")

    assert response.status_code == 201
    assert SandboxPost.objects.count() == 2


def test_posts_without_a_key_are_each_created(sandbox):
    ids = {sandbox.publish().json()["id"] for _ in range(3)}

    assert len(ids) == 3


def test_a_post_is_found_by_its_idempotency_key(sandbox):
    created = sandbox.publish(key="key-1").json()
    sandbox.publish(key="key-2")

    found = sandbox.get("posts", idempotency_key="key-1").json()["results"]
    missing = sandbox.get("posts", idempotency_key="key-unknown").json()["results"]

    assert found == [created]
    assert missing == []


def test_posts_are_listed_since_an_instant(sandbox):
    old = sandbox.publish("Old news.").json()["id"]
    SandboxPost.objects.filter(remote_id=old).update(received_at=timezone.now() - dt.timedelta(hours=2))
    recent = sandbox.publish("Fresh news.").json()["id"]
    since = (timezone.now() - dt.timedelta(hours=1)).isoformat()

    listed = sandbox.get("posts", since=since).json()["results"]

    assert [p["id"] for p in listed] == [recent]
    assert sandbox.get("posts", since="yesterday").status_code == 400


def test_a_post_is_read_then_deleted_then_gone(sandbox):
    post_id = sandbox.publish("Donate blood.", key="key-1", reply_to="123").json()["id"]

    read = sandbox.get(f"posts/{post_id}")
    deleted = sandbox.delete(f"posts/{post_id}")

    assert read.status_code == 200
    assert read.json() | {"created_at": None} == {
        "id": post_id, "url": f"http://testserver/sandbox/mastodon/posts/{post_id}", "created_at": None,
        "text": "Donate blood.", "link": "", "media": [], "reply_to": "123", "idempotency_key": "key-1",
    }  # fmt: skip
    assert deleted.status_code == 204
    assert sandbox.get(f"posts/{post_id}").status_code == 404
    assert sandbox.delete(f"posts/{post_id}").status_code == 404
    assert sandbox.get("posts", idempotency_key="key-1").json()["results"] == []
    assert SandboxPost.objects.get().deleted_at is not None


def test_a_retry_of_a_deleted_post_is_refused_rather_than_handed_back(sandbox):
    post_id = sandbox.publish(key="key-1").json()["id"]
    sandbox.delete(f"posts/{post_id}")

    response = sandbox.publish(key="key-1")

    assert response.status_code == 409
    assert response.json() == {"error": "post_deleted", "id": post_id}


def test_another_accounts_post_is_not_found(sandbox, sandbox_for):
    post_id = sandbox.publish().json()["id"]

    assert sandbox_for(token="token-of-the-clinic").get(f"posts/{post_id}").status_code == 404


def test_text_over_xs_280_is_refused_where_mastodon_takes_it(sandbox_for):
    text = "Flu season is here. " * 15  # 300 characters

    on_x = sandbox_for("x").publish(text)
    on_mastodon = sandbox_for("mastodon").publish(text)

    assert on_x.status_code == 422
    assert on_x.json() == {"error": "text_too_long", "limit": 280}
    assert on_mastodon.status_code == 201
    assert SandboxPost.objects.filter(account__platform="x").count() == 0


@pytest.mark.parametrize(
    "body",
    [[], {"link": "https://who.int"}, {"text": 12}, {"text": "  "}, {"text": "Hi", "media": [{"alt": "no url"}]}],
)
def test_a_malformed_post_is_refused_with_400(sandbox, body):
    response = sandbox.client.post(
        sandbox.base + "posts", body, content_type="application/json", headers=sandbox.headers
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert SandboxPost.objects.count() == 0


def test_a_body_that_is_not_json_is_refused(sandbox):
    response = sandbox.client.post(
        sandbox.base + "posts", "{", content_type="application/json", headers=sandbox.headers
    )

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_json"}


@pytest.mark.parametrize("authorization", [None, "", "Bearer ", "Basic dXNlcjpwYXNz"])
def test_a_request_without_a_bearer_token_is_unauthorized(db, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}

    response = Client().post("/sandbox/x/posts", {"text": "Hi"}, content_type="application/json", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized"}
    assert SandboxAccount.objects.count() == 0


def test_an_unknown_platform_is_not_found(sandbox_for):
    response = sandbox_for("myspace").publish()

    assert response.status_code == 404
    assert response.json()["error"] == "unknown_platform"


def test_a_token_is_one_account_per_platform_made_on_first_use(sandbox_for):
    sandbox_for("x").publish()
    sandbox_for("x").publish()
    sandbox_for("mastodon").publish()

    assert sorted(SandboxAccount.objects.values_list("platform", flat=True)) == ["mastodon", "x"]


def test_nothing_answers_when_the_sandbox_is_disabled(sandbox, settings, admin_client):
    settings.PLANNER_SANDBOX_ENABLED = False

    assert sandbox.publish().status_code == 404
    assert admin_client.get("/sandbox/").status_code == 404
    assert SandboxPost.objects.count() == 0


def test_a_wrong_method_is_refused_with_the_allowed_ones(sandbox):
    response = sandbox.client.put(sandbox.base + "posts", headers=sandbox.headers)

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
