"""The demo's partner review: the ministry's myth-busting post waits for an outside clinician's reading."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.models import AbstractUser

from campaigns.demo_content import MINISTRY
from campaigns.demo_rows import upsert
from campaigns.models import ContentItem, PartnerLink, PartnerLinkUse

ITEM_TITLE = "Myth vs fact: the flu vaccine cannot give you flu"
PARTNER = ("Dr Samir Benali", "samir.benali@infectiology.example")
DAYS_VALID = 7
SENT_AT = time(9, 0)
OPENED_AFTER = timedelta(hours=2)


def build_partner_review(users: dict[str, AbstractUser], today: date) -> PartnerLink | None:
    """A live link sent this morning by the ministry's manager, opened once, with no feedback yet."""
    item = ContentItem.objects.filter(campaign__organisation__slug=MINISTRY, title=ITEM_TITLE).first()
    if item is None:
        return None
    name, email = PARTNER
    sent = datetime.combine(today, SENT_AT, tzinfo=UTC)
    values = {"partner_name": name, "created_by": users["manager"], "created_at": sent,
              "expires_at": sent + timedelta(days=DAYS_VALID), "revoked_at": None, "revoked_by": None}  # fmt: skip
    existing = PartnerLink.objects.filter(item=item, partner_email=email).exists()
    # The nonce is drawn once, when the link is made: a rerun keeps the same token working.
    extra = {} if existing else {"nonce": secrets.token_hex(16)}
    link = upsert(PartnerLink, {"item": item, "partner_email": email}, values | extra)
    upsert(PartnerLinkUse, {"link": link, "action": PartnerLinkUse.Action.VIEWED},
           {"at": sent + OPENED_AFTER, "ip": "198.51.100.23", "user_agent": "Mozilla/5.0 (Macintosh) Safari/17"})  # fmt: skip
    return link
