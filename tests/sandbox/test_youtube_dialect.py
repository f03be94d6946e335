"""The sandbox's YouTube dialect refuses what YouTube refuses, in Google's error shape, every reply checked by the document."""

from __future__ import annotations

import pytest

from publishing.sandbox.models import SandboxPost
from tests.contracts import discovery

TOKEN = "ya29.clinic-token"
START = "upload/youtube/v3/videos?uploadType=resumable&part=snippet,status,localizations"
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (300 * 1024)


@pytest.fixture
def contract(live_server):
    checked = discovery.Contract(discovery.youtube(), "/sandbox/youtube")
    yield checked
    assert checked.problems == [], "\n".join(checked.problems)


@pytest.fixture
def client(live_server, transactional_db, contract):
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Upload-Content-Length": str(len(MP4))}
    return contract.client(base_url=f"{live_server.url}/sandbox/youtube/", headers=headers, timeout=5.0)


def reason(response: object) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["errors"][0]["reason"]


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ({"title": ""}, "invalidTitle"),
        ({"title": "a" * 101}, "invalidTitle"),
        ({"title": "Flu <b>now</b>"}, "invalidTitle"),
        ({"title": "Flu", "description": "1 > 0"}, "invalidDescription"),
        ({"title": "Flu", "description": "é" * 2501}, "invalidDescription"),
        ({"title": "Flu", "tags": ["x" * 300, "y" * 300]}, "invalidTags"),
    ],
)
def test_metadata_youtube_refuses_is_a_400_with_its_reason(client, snippet, expected):
    assert reason(client.post(START, json={"snippet": snippet})) == (400, expected)


def test_localizations_without_a_default_language_are_refused(client):
    body = {"snippet": {"title": "Flu"}, "localizations": {"fr": {"title": "Grippe"}}}

    assert reason(client.post(START, json=body)) == (400, "defaultLanguageNotSet")


def test_a_chunk_that_is_not_a_multiple_of_256_kib_is_refused_unless_it_is_the_last(client):
    session = client.post(START, json={"snippet": {"title": "Flu", "defaultLanguage": "en"}}).headers["Location"]

    short = client.put(session, content=MP4[:1000], headers={"Content-Range": f"bytes 0-999/{len(MP4)}"})
    whole = client.put(session, content=MP4, headers={"Content-Range": f"bytes 0-{len(MP4) - 1}/{len(MP4)}"})

    assert reason(short) == (400, "badRequest")
    assert whole.status_code == 200 and whole.json()["snippet"]["title"] == "Flu"
    assert SandboxPost.objects.get().text == "Flu"


def test_a_session_answers_its_state_and_another_accounts_token_cannot_use_it(client):
    session = client.post(START, json={"snippet": {"title": "Flu"}}).headers["Location"]
    granule = 256 * 1024
    client.put(session, content=MP4[:granule], headers={"Content-Range": f"bytes 0-{granule - 1}/{len(MP4)}"})

    state = client.put(session, content=b"", headers={"Content-Range": f"bytes */{len(MP4)}"})
    other = client.put(
        session, content=b"", headers={"Content-Range": f"bytes */{len(MP4)}", "Authorization": "Bearer other"}
    )

    assert (state.status_code, state.headers["Range"]) == (308, f"bytes=0-{granule - 1}")
    assert reason(other) == (403, "forbidden")


def test_parts_not_asked_for_are_not_stored(client):
    start = "upload/youtube/v3/videos?uploadType=resumable&part=snippet"
    body = {"snippet": {"title": "Flu", "defaultLanguage": "en"}, "status": {"privacyStatus": "private"}}
    session = client.post(start, json=body).headers["Location"]

    video = client.put(session, content=MP4, headers={"Content-Range": f"bytes 0-{len(MP4) - 1}/{len(MP4)}"}).json()

    assert set(video) == {"kind", "etag", "id", "snippet"}
    assert "status" not in SandboxPost.objects.get().payload
