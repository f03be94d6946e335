"""The demo's evidence: each health-advice item states a claim backed by its sources, signed off by the
organisation's clinical reviewer before its approval; one review runs out within the month, so that the
"Reviews expiring" page has something to show."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.contrib.auth.models import AbstractUser

from campaigns import evidence
from campaigns.demo_content import HOSPITAL, MINISTRY, ItemSpec
from campaigns.demo_rows import upsert
from campaigns.models import Claim, ContentItem, Membership, Source
from campaigns.models.evidence import CLAIM_MAX_CHARS

# Who signs off each organisation's health advice, with the credentials shown beside their name.
CLINICIANS = {
    MINISTRY: ("clinician", "MD, infectious diseases, national immunisation committee"),
    HOSPITAL: ("hospital.clinician", "RN, infection prevention and control lead"),
}
REVIEW_DAYS = 180
# Evergreen advice due for its review soon: days from today to its expiry.
EXPIRING_SOON = {"Who can give blood? Eligibility in 60 seconds": 20}
SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)", re.DOTALL)
HASHTAG = re.compile(r"\s*#\w+")


def make_clinicians(users: dict[str, AbstractUser]) -> None:
    """The admin's setting: these members may sign off health advice."""
    for organisation_slug, (username, credentials) in CLINICIANS.items():
        Membership.objects.filter(user=users[username], organisation__slug=organisation_slug).update(
            is_clinical_reviewer=True, credentials=credentials
        )


def claim_with_sources(item: ContentItem, spec: ItemSpec) -> None:
    """The item's claim (the first sentence it says), backed by the spec's sources."""
    claim = upsert(Claim, {"item": item, "position": 0}, {"text": claim_text(spec)})
    for url, title in spec.sources:
        upsert(Source, {"item": item, "url": url}, {"title": title, "claim": claim, "kind": evidence.kind_of(url)})


def claim_text(spec: ItemSpec) -> str:
    short, long = next(iter(spec.texts.values()))
    text = HASHTAG.sub("", (short or long).split("\n")[-1 if not short else 0]).strip()
    match = SENTENCE.match(text)
    return (match.group(1) if match else text or spec.title)[:CLAIM_MAX_CHARS]


def sign_off(item: ContentItem, users: dict[str, AbstractUser], today: date) -> None:
    """The clinical reviewer signs the item as it is now, before the managers approve it."""
    username, _credentials = CLINICIANS[item.campaign.organisation.slug]
    days = EXPIRING_SOON.get(item.title, REVIEW_DAYS)
    evidence.sign_off(item, users[username], today + timedelta(days=days))
