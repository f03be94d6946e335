"""The evidence gate of health advice: claims with sources and a current clinical review, before approval and
before every publication.

Approval of a health-advice item is refused unless it makes at least one claim, every claim has a source, and a
clinical reviewer signed this very version (`content_hash`) with an expiry date still to come. A publication of it
is refused, and held by the engine, when its day falls after the review's expiry: evergreen advice is reviewed
again before it goes out again.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit import events
from campaigns.checks import ERROR, Problem
from campaigns.models import ClinicalReview, ContentItem, Membership, Source
from campaigns.versions import content_hash

S = ContentItem.State
# Long enough for a guideline's usual review cycle, short enough that nobody signs "forever".
LONGEST_REVIEW = dt.timedelta(days=3 * 366)
NOTE_MAX_CHARS = 2000


class EvidenceError(Exception):
    """A refused sign-off; `field` names the form field it is about."""

    def __init__(self, message: str, *, field: str = "", status: int = 400) -> None:
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


def standing_review(item: ContentItem) -> ClinicalReview | None:
    """The review not voided by an edit and given to the item's current content, or None."""
    review = ClinicalReview.objects.filter(item=item, voided_at__isnull=True).first()
    if review is None or review.content_hash != content_hash(item):
        return None
    return review


def clinical_reviewer(user: AbstractBaseUser, item: ContentItem) -> Membership | None:
    """`user`'s membership of the item's organisation if the admin made them a clinical reviewer, else None."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(
        user=user, organisation_id=item.campaign.organisation_id, is_clinical_reviewer=True
    ).first()


def approval_problems(item: ContentItem) -> list[Problem]:
    """What stands between a health-advice item and its approval: claims, their sources, its clinical review."""
    if not item.is_health_advice:
        return []
    problems = []
    claims = list(item.claims.prefetch_related("sources"))
    if not claims:
        problems.append(Problem("claims", "claim_required", _("Health advice states at least one claim."), ERROR))
    for claim in claims:
        if not claim.sources.all():
            message = _("The claim “%(claim)s” has no source.") % {"claim": claim.text}
            problems.append(Problem("claims", "claim_source_required", message, ERROR))
    review = ClinicalReview.objects.filter(item=item, voided_at__isnull=True).first()
    today = item.campaign.organisation.today()
    if review is None:
        message = _("A clinical reviewer has not signed it off.")
        problems.append(Problem("clinical_review", "clinical_review_required", message, ERROR))
    elif review.content_hash != content_hash(item):
        message = _("It changed after its clinical review: a clinical reviewer signs this version.")
        problems.append(Problem("clinical_review", "clinical_review_stale", message, ERROR))
    elif not review.covers(today):
        message = _("Its clinical review expired on %(day)s: a clinical reviewer reviews it again.")
        problems.append(
            Problem("clinical_review", "clinical_review_expired", message % {"day": _day(review.expires_on)}, ERROR)
        )
    return problems


def publishing_refusal(item: ContentItem, when: dt.datetime) -> str:
    """Why health advice may not go out at `when` (its review does not cover that day where the organisation
    works); '' when it may."""
    if not item.is_health_advice:
        return ""
    day = timezone.localdate(when, item.campaign.organisation.zone)
    review = standing_review(item)
    if review is None:
        return _("“%(title)s” has no current clinical review: a clinical reviewer signs it off first.") % {
            "title": item.title
        }
    if not review.covers(day):
        return _(
            "The clinical review of “%(title)s” expires on %(expiry)s, before %(day)s: a clinical reviewer reviews "
            "it again first."
        ) % {"title": item.title, "expiry": _day(review.expires_on), "day": _day(day)}
    return ""


def sign_off(
    item: ContentItem, reviewer: AbstractBaseUser, expires_on: dt.date | None, note: str = ""
) -> ClinicalReview:
    """Record `reviewer`'s clinical sign-off of the item's current version until `expires_on`; the review it
    replaces is voided."""
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().select_related("campaign__organisation").get(pk=item.pk)
        membership = clinical_reviewer(reviewer, locked)
        if membership is None:
            raise EvidenceError(_("Only a clinical reviewer of the organisation signs off health advice."), status=403)
        if not locked.is_health_advice:
            raise EvidenceError(_("Only health advice is clinically reviewed."), status=409)
        if locked.state == S.ARCHIVED:
            raise EvidenceError(_("An archived item is not reviewed."), status=409)
        if locked.author_id == reviewer.pk:
            raise EvidenceError(_("Nobody signs off their own work: another clinical reviewer must."), status=403)
        today = locked.campaign.organisation.today()
        if expires_on is None:
            raise EvidenceError(_("Give the date the review expires on."), field="expires_on")
        if expires_on <= today:
            raise EvidenceError(_("The review must expire after today."), field="expires_on")
        if expires_on > today + LONGEST_REVIEW:
            raise EvidenceError(_("A review lasts at most three years: choose an earlier date."), field="expires_on")
        if len(note) > NOTE_MAX_CHARS:
            raise EvidenceError(
                _("The note is too long: at most %(limit)s characters.") % {"limit": NOTE_MAX_CHARS}, field="note"
            )
        if missing := [p for p in approval_problems(locked) if p.field == "claims"]:
            raise EvidenceError(missing[0].message, field="claims", status=409)
        now = timezone.now()
        ClinicalReview.objects.filter(item=locked, voided_at__isnull=True).update(voided_at=now)
        name = reviewer.get_full_name() or reviewer.get_username()
        review = ClinicalReview.objects.create(
            item=locked, reviewer=reviewer, reviewer_name=name, credentials=membership.credentials, signed_at=now,
            expires_on=expires_on, content_hash=content_hash(locked), item_version=locked.version, note=note.strip(),
        )  # fmt: skip
        events.record(
            locked.campaign.organisation, reviewer, "item.clinically_reviewed", "item", locked.pk, locked.title,
            {"version": locked.version, "expires_on": expires_on.isoformat(), "reviewer": f"{name}, {membership.credentials}"},
        )  # fmt: skip
    return review


def void_reviews(item: ContentItem) -> int:
    """After an edit: the item's standing review no longer covers what it says."""
    return ClinicalReview.objects.filter(item=item, voided_at__isnull=True).update(voided_at=timezone.now())


# Where a source's address says what it is (a myth's sources carry no type).
KINDS_BY_HOST = {"who.int": Source.Kind.WHO, "cdc.gov": Source.Kind.NATIONAL_AGENCY}


def kind_of(url: str) -> str:
    """The type of a source, from its address when it tells (WHO), else "other"."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return next(
        (kind for known, kind in KINDS_BY_HOST.items() if host == known or host.endswith(f".{known}")),
        Source.Kind.OTHER,
    )


def _day(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")
