"""Signed, expiring public addresses of a media asset's file, for platforms that fetch media themselves.

Instagram and Threads take an `image_url` and download the file from it
(developers.facebook.com/docs/instagram-platform/instagram-graph-api/content-publishing): the file
must be reachable without a login, so the address itself is the permission. It names exactly one
asset (its id, organisation and checksum, signed with a salt per purpose) and stops working after
`lifetime`. Its base is settings.PLANNER_PUBLIC_BASE_URL (the planner's address as the internet
sees it), else the local server at PLANNER_PORT, which only the sandbox can reach.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing

if TYPE_CHECKING:
    from campaigns.models import MediaAsset

# Long enough for a platform that queues the download (Meta fetches within minutes), short enough
# that an address copied from a log soon leads nowhere.
DEFAULT_LIFETIME = dt.timedelta(hours=1)
PLATFORM_FETCH = "platform-fetch"
PATH = "public-media/"  # under the site root (publishing/urls.py)


class ExpiredAddress(Exception):
    """The signature is ours but its time is up (answered 410 Gone)."""


def public_base_url() -> str:
    """The planner's public address, without a trailing slash."""
    base = getattr(settings, "PLANNER_PUBLIC_BASE_URL", "") or f"http://127.0.0.1:{settings.PLANNER_PORT}"
    return base.rstrip("/")


def signed_url(asset: MediaAsset, purpose: str = PLATFORM_FETCH) -> str:
    """An absolute address of the asset's file, valid for DEFAULT_LIFETIME, for this purpose only."""
    token = signing.dumps(
        {"asset": asset.pk, "organisation": asset.organisation_id, "checksum": asset.checksum}, salt=_salt(purpose)
    )
    return f"{public_base_url()}/{PATH}{token}"


def asset_for(token: str, purpose: str = PLATFORM_FETCH, lifetime: dt.timedelta = DEFAULT_LIFETIME) -> MediaAsset:
    """The asset a signed address names; MediaAsset.DoesNotExist if the signature is not ours or the file changed."""
    from campaigns.models import MediaAsset

    try:
        claims = signing.loads(token, salt=_salt(purpose), max_age=lifetime)
    except signing.SignatureExpired as error:
        raise ExpiredAddress(str(error)) from error
    except signing.BadSignature as error:
        raise MediaAsset.DoesNotExist(str(error)) from error
    # The checksum too: a file replaced since the address was made is not the one it was made for.
    return MediaAsset.objects.get(
        pk=claims["asset"], organisation_id=claims["organisation"], checksum=claims["checksum"]
    )


def _salt(purpose: str) -> str:
    return f"publishing.media_urls.{purpose}"
