"""The adapter for the project's sandbox platform dialect (publishing/sandbox/).

Every platform speaks this dialect until its own adapter (issue 5) speaks the platform's real
API. The Idempotency-Key header (as Mastodon documents for POST /api/v1/statuses) makes a retry of
an accepted post return the same post instead of a second one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from publishing.adapters.base import Adapter, Published

if TYPE_CHECKING:
    from publishing.models import Publication


class SandboxAdapter(Adapter):
    platform = "sandbox"
    idempotent_create = True  # the Idempotency-Key header replays the first post

    def publish(self, publication: Publication) -> Published:
        variant, account = publication.variant, publication.account
        body = {
            "text": variant.text,
            "link": variant.link,
            "media": [
                {"id": a.asset.checksum, "alt": a.asset.alt_text.get(variant.language, "")}
                for a in variant.attachments.select_related("asset").order_by("position")
            ],
        }
        response = self.request(
            "POST", _url(account.api_base_url, "posts"), token=_token(account.credentials), json=body,
            headers={"Idempotency-Key": str(publication.idempotency_key)},
        )  # fmt: skip
        data = response.json()
        return Published(remote_id=str(data["id"]), url=data.get("url", ""))

    def find_existing(self, publication: Publication) -> Published | None:
        account = publication.account
        response = self.request(
            "GET", _url(account.api_base_url, "posts"), token=_token(account.credentials),
            params={"idempotency_key": str(publication.idempotency_key)},
        )  # fmt: skip
        results = response.json().get("results", [])
        return Published(remote_id=str(results[0]["id"]), url=results[0].get("url", "")) if results else None


def _url(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path


def _token(credentials: dict) -> str:
    return credentials.get("access_token", "")
