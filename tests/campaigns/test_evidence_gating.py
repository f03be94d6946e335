"""Evidence gating: health advice is approved only with claims, their sources and a current clinical review, and no
path schedules it (nor the engine sends it) past the review's expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaigns import editing, evidence
from campaigns.models import Claim, ClinicalReview, ContentItem, Source
from campaigns.workflow import WorkflowError, perform
from publishing import cadence as cadences
from publishing import recurrence, releases, scheduling
from publishing.models import Cadence, Publication, Recurrence, Release
from publishing.sending import send
from tests import builders

S = ContentItem.State
P = Publication.State
WHO = "https://www.who.int/news-room/fact-sheets/detail/influenza-(seasonal)"


def days_from_today(world, days: int) -> dt.date:
    return world.ministry.today() + dt.timedelta(days=days)


def noon(world, days: int) -> dt.datetime:
    """Noon where the ministry works, `days` from today."""
    return dt.datetime.combine(days_from_today(world, days), dt.time(12), tzinfo=world.ministry.zone)


@pytest.fixture
def advice(world):
    """The ministry's item, written by the editor, flagged as health advice and in review."""
    item = world.item
    item.is_health_advice, item.author = True, world.editor
    item.save()
    world.clinician = builders.make_clinical_reviewer(world.ministry, "dr.clara", credentials="MD, epidemiologist")
    return item


def in_review(item: ContentItem, editor) -> ContentItem:
    return perform(item, "submit", editor)


def approved_with_evidence(world, item: ContentItem, expires_in: int = 30) -> ContentItem:
    builders.make_evidence(item, world.clinician, expires_on=days_from_today(world, expires_in))
    in_review(item, world.editor)
    return perform(item, "approve", world.manager)


# Approval


def test_approval_is_refused_without_a_claim(world, advice):
    Source.objects.create(item=advice, url=WHO)  # the item's own source lets it be submitted
    in_review(advice, world.editor)

    with pytest.raises(WorkflowError) as refusal:
        perform(advice, "approve", world.manager)

    assert refusal.value.code == "evidence_missing"
    assert "at least one claim" in refusal.value.message
    assert {p.rule for p in refusal.value.problems} == {"claim_required", "clinical_review_required"}
    assert ContentItem.objects.get(pk=advice.pk).state == S.IN_REVIEW


def test_approval_is_refused_while_a_claim_has_no_source(world, advice):
    builders.make_evidence(advice, world.clinician)
    Claim.objects.create(item=advice, text="Vaccines protect for a season.", position=5)
    in_review(advice, world.editor)

    with pytest.raises(WorkflowError) as refusal:
        perform(advice, "approve", world.manager)

    assert "“Vaccines protect for a season.” has no source" in refusal.value.message
    # The unsourced claim is new since the sign-off, so the review no longer covers this version either.
    assert {p.rule for p in refusal.value.problems} == {"claim_source_required", "clinical_review_stale"}


def test_approval_is_refused_without_a_clinical_review(world, advice):
    claim = Claim.objects.create(item=advice, text="The flu vaccine is safe.")
    Source.objects.create(item=advice, claim=claim, url=WHO, kind=Source.Kind.WHO)
    in_review(advice, world.editor)

    with pytest.raises(WorkflowError) as refusal:
        perform(advice, "approve", world.manager)

    assert "A clinical reviewer has not signed it off." in refusal.value.message


def test_approval_is_refused_once_the_review_has_expired(world, advice):
    review = builders.make_evidence(advice, world.clinician)
    ClinicalReview.objects.filter(pk=review.pk).update(expires_on=days_from_today(world, -1))
    in_review(advice, world.editor)

    with pytest.raises(WorkflowError) as refusal:
        perform(advice, "approve", world.manager)

    assert [p.rule for p in refusal.value.problems] == ["clinical_review_expired"]


def test_with_claims_sources_and_a_current_review_it_is_approved(world, advice):
    assert approved_with_evidence(world, advice).state == S.APPROVED


def test_content_that_is_not_health_advice_needs_no_evidence(world):
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)

    assert perform(world.item, "approve", world.manager).state == S.APPROVED


def test_an_edit_after_sign_off_voids_the_review_and_the_approval_asks_for_a_new_one(world, advice):
    approved_with_evidence(world, advice)

    item = editing.edit_item(advice, world.editor, advice.version, {"master_text": "A new wording."})

    assert item.state == S.IN_REVIEW
    assert ClinicalReview.objects.get(item=advice).voided_at is not None
    assert evidence.standing_review(item) is None
    with pytest.raises(WorkflowError) as refusal:
        perform(item, "approve", world.second_manager)
    assert [p.rule for p in refusal.value.problems] == ["clinical_review_required"]


def test_rewording_a_claim_is_an_edit_that_voids_the_review(world, advice):
    approved_with_evidence(world, advice)
    claim = advice.claims.get()

    item = editing.edit_claim(claim, world.editor, ContentItem.objects.get(pk=advice.pk).version, "Reworded.")

    assert item.state == S.IN_REVIEW
    assert not ClinicalReview.objects.filter(item=advice, voided_at__isnull=True).exists()


# Signing off


def test_only_a_clinical_reviewer_of_the_organisation_signs_off(world, advice):
    builders.make_evidence(advice, world.clinician)

    for person in (world.manager, world.outsider):
        with pytest.raises(evidence.EvidenceError) as refusal:
            evidence.sign_off(advice, person, days_from_today(world, 30))
        assert refusal.value.status == 403


def test_nobody_signs_off_their_own_item(world, advice):
    builders.make_evidence(advice, world.clinician)
    ContentItem.objects.filter(pk=advice.pk).update(author=world.clinician)

    with pytest.raises(evidence.EvidenceError, match="their own work"):
        evidence.sign_off(advice, world.clinician, days_from_today(world, 30))


@pytest.mark.parametrize("days", [0, -3, 3 * 366 + 2])
def test_the_expiry_must_come_after_today_and_within_three_years(world, advice, days):
    builders.make_evidence(advice, world.clinician)

    with pytest.raises(evidence.EvidenceError) as refusal:
        evidence.sign_off(advice, world.clinician, days_from_today(world, days))

    assert refusal.value.field == "expires_on"


def test_a_sign_off_needs_a_claim_with_a_source_first(world, advice):
    with pytest.raises(evidence.EvidenceError) as refusal:
        evidence.sign_off(advice, world.clinician, days_from_today(world, 30))

    assert refusal.value.field == "claims"
    assert not ClinicalReview.objects.exists()


def test_a_new_review_replaces_the_standing_one_with_the_reviewers_name_and_credentials(world, advice):
    first = builders.make_evidence(advice, world.clinician)

    second = evidence.sign_off(advice, world.clinician, days_from_today(world, 90), "Checked against the 2026 guide.")

    assert ClinicalReview.objects.get(pk=first.pk).voided_at is not None
    assert evidence.standing_review(advice) == second
    assert (second.reviewer_name, second.credentials, second.item_version) == (
        "dr.clara", "MD, epidemiologist", advice.version
    )  # fmt: skip


# Scheduling: every path that creates or moves a publication


def test_scheduling_after_the_review_expires_is_refused(world, advice):
    approved_with_evidence(world, advice, expires_in=10)

    with pytest.raises(WorkflowError) as refusal:
        scheduling.schedule(advice, world.editor, [(world.variant, world.account)], noon(world, 11))

    assert refusal.value.code == "review_expired"
    assert "a clinical reviewer reviews it again" in refusal.value.message
    assert not Publication.objects.exists()
    assert scheduling.schedule(advice, world.editor, [(world.variant, world.account)], noon(world, 10))


def test_a_release_after_the_review_expires_is_refused(world, advice):
    approved_with_evidence(world, advice, expires_in=10)

    with pytest.raises(WorkflowError, match="expires on"):
        releases.schedule_in_new_release(
            advice, world.editor, [(world.variant, world.account)], noon(world, 12), "Winter figures"
        )

    assert not Release.objects.exists() and not Publication.objects.exists()


def test_moving_a_publication_past_the_expiry_is_refused(world, advice):
    approved_with_evidence(world, advice, expires_in=10)
    [publication] = scheduling.schedule(advice, world.editor, [(world.variant, world.account)], noon(world, 5))

    with pytest.raises(WorkflowError, match="expires on"):
        scheduling.reschedule(publication, world.editor, noon(world, 15))

    assert Publication.objects.get(pk=publication.pk).scheduled_at == noon(world, 5)


def test_moving_a_release_past_the_expiry_is_refused(world, advice):
    approved_with_evidence(world, advice, expires_in=10)
    release = releases.create_release(world.ministry, world.editor, "Winter figures", noon(world, 5))
    scheduling.schedule(advice, world.editor, [(world.variant, world.account)], noon(world, 5), release)

    with pytest.raises(WorkflowError, match="expires on"):
        scheduling.move_release(release, world.editor, noon(world, 20))

    assert Release.objects.get(pk=release.pk).instant == noon(world, 5)


def test_a_recurrence_running_past_the_expiry_is_refused(world, advice):
    approved_with_evidence(world, advice, expires_in=10)
    rule = Recurrence(frequency="daily", local_time=dt.time(9), starts_on=days_from_today(world, 1), count=14)

    with pytest.raises(WorkflowError, match="expires on"):
        recurrence.schedule_recurring(advice, world.editor, rule, [(world.variant, world.account)])

    assert not Recurrence.objects.exists() and not Publication.objects.exists()


def test_a_recurrence_that_ends_before_the_expiry_is_scheduled(world, advice):
    approved_with_evidence(world, advice, expires_in=10)
    rule = Recurrence(frequency="daily", local_time=dt.time(9), starts_on=days_from_today(world, 1), count=5)

    assert len(recurrence.schedule_recurring(advice, world.editor, rule, [(world.variant, world.account)])) == 5


def test_a_cadence_placing_the_item_past_the_expiry_is_refused(world, advice):
    approved_with_evidence(world, advice, expires_in=10)
    cadence = Cadence.objects.create(
        campaign=world.campaign, name="Winter", times=["09:00"], weekdays=list(range(7)),
        starts_on=days_from_today(world, 20),
    )  # fmt: skip
    cadence.accounts.set([world.account])

    with pytest.raises(WorkflowError, match="expires on"):
        cadences.apply(cadence, cadences.plan(cadence).fingerprint, world.editor)

    assert not Publication.objects.exists()


def test_sending_an_expired_publication_again_waits_for_a_new_review(world, advice):
    approved_with_evidence(world, advice, expires_in=10)
    review = evidence.standing_review(advice)
    [publication] = scheduling.schedule(advice, world.editor, [(world.variant, world.account)], noon(world, 5))
    Publication.objects.filter(pk=publication.pk).update(state=P.EXPIRED)
    ClinicalReview.objects.filter(pk=review.pk).update(expires_on=days_from_today(world, -1))

    with pytest.raises(WorkflowError, match="expires on"):
        scheduling.retry_now(publication, world.editor)
    assert Publication.objects.get(pk=publication.pk).state == P.EXPIRED

    evidence.sign_off(advice, world.clinician, days_from_today(world, 60))
    assert scheduling.retry_now(publication, world.editor).state == P.SCHEDULED


# The engine


def test_the_engine_holds_a_scheduled_publication_whose_review_expired_before_it_was_due(world, advice):
    approved_with_evidence(world, advice, expires_in=10)
    now = timezone.now()
    [publication] = scheduling.schedule(advice, world.editor, [(world.variant, world.account)], now)
    ClinicalReview.objects.filter(item=advice).update(expires_on=days_from_today(world, -1))

    queued, _expired = scheduling.claim_due(now + dt.timedelta(seconds=1), 10)
    assert queued == [publication.pk]
    assert send(publication.pk) == P.EXPIRED

    held = Publication.objects.get(pk=publication.pk)
    assert held.state == P.EXPIRED and held.remote_id == ""
    assert held.last_error.startswith("Held, not sent: The clinical review of “Get your flu jab” expires on")
