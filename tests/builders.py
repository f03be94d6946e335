"""Small builders for test data: each makes a valid object with sensible defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from campaigns.models import (
    Campaign,
    Claim,
    ClinicalReview,
    ContentItem,
    MediaAsset,
    Membership,
    Organisation,
    Source,
    Variant,
)
from campaigns.versions import content_hash
from publishing.models import Publication, SocialAccount

PASSWORD = "correct-horse-battery-staple"


def make_organisation(name: str = "Ministry of Health", **fields: Any) -> Organisation:
    slug = fields.pop("slug", name.lower().replace(" ", "-"))
    defaults = {"timezone": "Europe/Paris", "languages": ["en", "fr", "ar"]}
    return Organisation.objects.create(name=name, slug=slug, **(defaults | fields))


def make_member(organisation: Organisation, username: str, role: str, **fields: Any) -> AbstractUser:
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org", **fields
    )
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_campaign(organisation: Organisation, name: str = "Flu vaccination", **fields: Any) -> Campaign:
    today = timezone.localdate()
    defaults = {"start_date": today, "end_date": today + dt.timedelta(days=60), "hashtags": ["#FluVaccine"]}
    return Campaign.objects.create(organisation=organisation, name=name, **(defaults | fields))


def make_item(campaign: Campaign, title: str = "Get your flu jab", **fields: Any) -> ContentItem:
    return ContentItem.objects.create(campaign=campaign, title=title, **fields)


def make_variant(item: ContentItem, platform: str = "mastodon", language: str = "en", **fields: Any) -> Variant:
    defaults = {"text": "Flu season is here. Book your free vaccine today. #FluVaccine"}
    return Variant.objects.create(item=item, platform=platform, language=language, **(defaults | fields))


def make_account(
    organisation: Organisation, platform: str = "mastodon", handle: str = "@health", **fields: Any
) -> SocialAccount:
    defaults = {"api_base_url": "http://127.0.0.1:9/", "credentials": {"access_token": "secret-token-value"}}
    return SocialAccount.objects.create(
        organisation=organisation, platform=platform, handle=handle, **(defaults | fields)
    )


MIME_TYPES = {"image": "image/png", "video": "video/mp4", "animated_gif": "image/gif"}


def make_media(organisation: Organisation, title: str = "Flu card", **fields: Any) -> MediaAsset:
    defaults = {"file": "media/card.png", "checksum": f"{title}-checksum", "width": 1080, "height": 1350}
    defaults["mime_type"] = MIME_TYPES.get(fields.get("kind", MediaAsset.Kind.IMAGE), "")
    return MediaAsset.objects.create(organisation=organisation, title=title, **(defaults | fields))


def make_publication(variant: Variant, account: SocialAccount, **fields: Any) -> Publication:
    defaults = {"scheduled_at": timezone.now() + dt.timedelta(days=1)}
    return Publication.objects.create(variant=variant, account=account, **(defaults | fields))


def make_clinical_reviewer(
    organisation: Organisation, username: str = "clinician", credentials: str = "MD, public health", **fields: Any
) -> AbstractUser:
    """A member the admin made a clinical reviewer (a contributor by default: sign-off is not a workflow role)."""
    user = make_member(organisation, username, fields.pop("role", "contributor"), **fields)
    Membership.objects.filter(user=user, organisation=organisation).update(
        is_clinical_reviewer=True, credentials=credentials
    )
    return user


def make_evidence(
    item: ContentItem, reviewer: AbstractUser | None = None, expires_on: dt.date | None = None,
    claims: tuple[str, ...] = ("The flu vaccine is safe and free for everyone over 65.",),
) -> ClinicalReview:  # fmt: skip
    """Claims with a WHO source each and a clinical review of the item as it is now (make it after its variants:
    a later edit voids the review). `reviewer` is made a clinical reviewer if they are not one yet."""
    organisation = item.campaign.organisation
    if reviewer is None:
        known = Membership.objects.filter(organisation=organisation, is_clinical_reviewer=True).first()
        reviewer = known.user if known else make_clinical_reviewer(organisation, f"clinician-{organisation.pk}")
    else:
        Membership.objects.filter(user=reviewer, organisation=organisation, is_clinical_reviewer=False).update(
            is_clinical_reviewer=True, credentials="MD, public health"
        )
    start = item.claims.count()
    for position, text in enumerate(claims, start=start):
        claim = Claim.objects.create(item=item, text=text, position=position)
        Source.objects.create(
            item=item, claim=claim, url=f"https://www.who.int/news-room/fact-sheets/detail/claim-{item.pk}-{position}",
            title="WHO fact sheet", kind=Source.Kind.WHO,
        )  # fmt: skip
    ClinicalReview.objects.filter(item=item, voided_at__isnull=True).update(voided_at=timezone.now())
    return ClinicalReview.objects.create(
        item=item, reviewer=reviewer, reviewer_name=reviewer.get_full_name() or reviewer.get_username(),
        credentials="MD, public health", signed_at=timezone.now(),
        expires_on=expires_on or organisation.today() + dt.timedelta(days=365),
        content_hash=content_hash(item), item_version=item.version,
    )  # fmt: skip
