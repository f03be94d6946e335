"""The evidence on the item's page (claims with their sources, the clinical sign-off) and the "Reviews expiring"
page: what they show, to whom, and the field-named errors of their forms."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.models import Claim, ClinicalReview, ContentItem, Source
from tests import builders

WHO = "https://www.who.int/news-room/fact-sheets/detail/influenza-(seasonal)"


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def days_from_today(world, days: int) -> dt.date:
    return world.ministry.today() + dt.timedelta(days=days)


@pytest.fixture
def advice(world):
    item = world.item
    item.is_health_advice, item.author = True, world.editor
    item.save()
    world.clinician = builders.make_clinical_reviewer(
        world.ministry, "dr.clara", credentials="MD, epidemiologist", first_name="Clara", last_name="Benali"
    )
    return item


def version_of(item: ContentItem) -> int:
    return ContentItem.objects.get(pk=item.pk).version


def new_claim(item: ContentItem, **fields: str) -> dict[str, object]:
    defaults = {"text": "The flu vaccine is safe in pregnancy.", "url": WHO, "title": "WHO fact sheet", "kind": "who"}
    return {f"claim-{name}": value for name, value in {"version": version_of(item), **defaults, **fields}.items()}


# Claims and their sources


def test_an_editor_adds_a_claim_with_its_source_and_the_page_shows_them(world, advice):
    client = logged_in(world.editor)

    response = client.post(reverse("claim_add", args=[advice.pk]), new_claim(advice), follow=True)

    claim = Claim.objects.get(item=advice)
    assert (claim.text, [(s.url, s.kind) for s in claim.sources.all()]) == (
        "The flu vaccine is safe in pregnancy.", [(WHO, "who")]
    )  # fmt: skip
    assert "The flu vaccine is safe in pregnancy." in response.text
    assert "World Health Organization" in response.text
    assert version_of(advice) == advice.version + 1  # an edit like any other


def test_a_claim_gets_a_second_source_and_loses_it_again(world, advice):
    client = logged_in(world.editor)
    client.post(reverse("claim_add", args=[advice.pk]), new_claim(advice))
    claim = Claim.objects.get(item=advice)
    fields = {
        "version": version_of(advice),
        "url": "https://www.ecdc.europa.eu/en/seasonal-influenza",
        "kind": "national_agency",
    }

    client.post(
        reverse("claim_source_add", args=[advice.pk, claim.pk]),
        {f"source-{claim.pk}-{k}": v for k, v in fields.items()},
    )
    assert claim.sources.count() == 2
    added = claim.sources.get(kind="national_agency")
    client.post(reverse("claim_source_remove", args=[advice.pk, claim.pk, added.pk]), {"version": version_of(advice)})

    assert list(claim.sources.values_list("url", flat=True)) == [WHO]


def test_a_claim_is_reworded_then_removed_with_its_sources(world, advice):
    client = logged_in(world.editor)
    client.post(reverse("claim_add", args=[advice.pk]), new_claim(advice))
    claim = Claim.objects.get(item=advice)

    client.post(
        reverse("claim_edit", args=[advice.pk, claim.pk]),
        {f"claim-{claim.pk}-version": version_of(advice), f"claim-{claim.pk}-text": "Reworded."},
    )
    assert Claim.objects.get(pk=claim.pk).text == "Reworded."
    client.post(reverse("claim_remove", args=[advice.pk, claim.pk]), {"version": version_of(advice)})

    assert not Claim.objects.exists() and not Source.objects.filter(item=advice).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"url": "not a link"}, "url", "Enter a valid URL."),
        ({"text": ""}, "text", "This field is required."),
        ({"kind": "blog"}, "kind", "Select a valid choice."),
    ],
)
def test_a_bad_claim_is_refused_naming_the_field(world, advice, fields, field, message):
    response = logged_in(world.editor).post(reverse("claim_add", args=[advice.pk]), new_claim(advice, **fields))

    assert response.status_code == 400
    assert message in response.context["evidence"]["claim_form"].errors[field][0]
    assert not Claim.objects.exists()


def test_the_same_source_twice_on_a_claim_is_refused_on_its_address_not_with_a_500(world, advice):
    client = logged_in(world.editor)
    client.post(reverse("claim_add", args=[advice.pk]), new_claim(advice))
    claim = Claim.objects.get(item=advice)
    fields = {"version": version_of(advice), "url": WHO, "kind": "who"}

    response = client.post(
        reverse("claim_source_add", args=[advice.pk, claim.pk]),
        {f"source-{claim.pk}-{k}": v for k, v in fields.items()},
    )

    assert response.status_code == 400
    assert "already listed for the claim" in response.text
    assert claim.sources.count() == 1


def test_a_stale_page_cannot_add_a_claim(world, advice):
    response = logged_in(world.editor).post(
        reverse("claim_add", args=[advice.pk]), new_claim(advice) | {"claim-version": advice.version - 1}
    )

    assert response.status_code == 409
    assert "newer version" in response.text
    assert not Claim.objects.exists()


def test_a_contributor_cannot_change_the_claims_of_someone_elses_item(world, advice):
    response = logged_in(world.contributor).post(reverse("claim_add", args=[advice.pk]), new_claim(advice))

    assert response.status_code == 403
    assert not Claim.objects.exists()


# The clinical sign-off


def test_a_clinical_reviewer_signs_off_and_the_page_shows_who_and_until_when(world, advice):
    builders.make_evidence(advice, world.clinician)
    ClinicalReview.objects.all().delete()
    client = logged_in(world.clinician)
    expiry = days_from_today(world, 90)

    assert client.get(reverse("item_detail", args=[advice.pk])).context["evidence"]["sign_off_form"] is not None
    response = client.post(
        reverse("clinical_review_sign", args=[advice.pk]), {"review-expires_on": expiry}, follow=True
    )

    review = ClinicalReview.objects.get(item=advice)
    assert (review.reviewer, review.reviewer_name, review.credentials, review.expires_on) == (
        world.clinician, "Clara Benali", "MD, epidemiologist", expiry
    )  # fmt: skip
    assert "Signed off by Clara Benali (MD, epidemiologist)" in response.text
    assert response.context["evidence"]["review_stands"]


def test_who_is_no_clinical_reviewer_sees_no_sign_off_form_and_is_refused(world, advice):
    builders.make_evidence(advice, world.clinician)
    client = logged_in(world.manager)

    assert client.get(reverse("item_detail", args=[advice.pk])).context["evidence"]["sign_off_form"] is None
    response = client.post(
        reverse("clinical_review_sign", args=[advice.pk]), {"review-expires_on": days_from_today(world, 9)}
    )

    assert response.status_code == 403
    assert ClinicalReview.objects.filter(item=advice).count() == 1


@pytest.mark.parametrize(("value", "message"), [("", "This field is required."), ("yesterday", "Enter a valid date.")])
def test_a_sign_off_without_a_valid_expiry_is_refused_naming_the_field(world, advice, value, message):
    builders.make_evidence(advice, world.clinician)

    response = logged_in(world.clinician).post(
        reverse("clinical_review_sign", args=[advice.pk]), {"review-expires_on": value}
    )

    assert response.status_code == 400
    assert response.context["evidence"]["sign_off_form"].errors["expires_on"] == [message]


def test_a_sign_off_expiring_today_is_refused_on_its_expiry_field(world, advice):
    builders.make_evidence(advice, world.clinician)

    response = logged_in(world.clinician).post(
        reverse("clinical_review_sign", args=[advice.pk]), {"review-expires_on": days_from_today(world, 0)}
    )

    assert response.status_code == 400
    assert response.context["evidence"]["sign_off_form"].errors["expires_on"] == ["The review must expire after today."]


def test_the_page_marks_a_review_voided_by_an_edit_and_an_expired_one(world, advice):
    review = builders.make_evidence(advice, world.clinician)
    client = logged_in(world.editor)
    ClinicalReview.objects.filter(pk=review.pk).update(expires_on=days_from_today(world, -1))

    expired = client.get(reverse("item_detail", args=[advice.pk]))
    assert expired.context["evidence"]["review_expired"] and "expired" in expired.text

    ClinicalReview.objects.filter(pk=review.pk).update(content_hash="an earlier version")
    voided = client.get(reverse("item_detail", args=[advice.pk]))
    assert voided.context["evidence"]["review_voided"] and "voided: the content changed since" in voided.text


def test_the_editor_page_shows_the_evidence_too(world, advice):
    builders.make_evidence(advice, world.clinician)

    response = logged_in(world.editor).get(reverse("item_edit", args=[advice.pk]))

    assert 'id="evidence"' in response.text and "The flu vaccine is safe" in response.text


def test_the_evidence_forms_share_no_element_id_with_the_rest_of_the_editor(world, advice):
    builders.make_evidence(advice, world.clinician)

    html = logged_in(world.clinician).get(reverse("item_edit", args=[advice.pk])).text

    panel = html[html.index('id="evidence"') : html.index("</section>", html.index('id="evidence"'))]
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert [i for i in re.findall(r'\sid="([^"]+)"', panel) if ids.count(i) > 1] == []


def test_an_item_that_is_not_health_advice_has_no_evidence_panel(world):
    response = logged_in(world.editor).get(reverse("item_detail", args=[world.item.pk]))

    assert response.context["evidence"] is None and 'id="evidence"' not in response.text


# The "Reviews expiring" page


def expiring_item(world, title: str, days: int, **fields) -> ContentItem:
    item = builders.make_item(world.campaign, title, is_health_advice=True, author=world.editor, **fields)
    builders.make_variant(item)
    builders.make_evidence(item, expires_on=days_from_today(world, days))
    return item


def test_the_page_lists_the_reviews_expiring_within_30_days_soonest_first(world):
    later = expiring_item(world, "Wash your hands", 25)
    sooner = expiring_item(world, "Cover your cough", 3)
    expiring_item(world, "Eat well", 45)

    response = logged_in(world.editor).get(reverse("reviews_expiring"))

    assert [review.item for review in response.context["page"]] == [sooner, later]
    assert "in 3 days" in response.text and "Eat well" not in response.text


def test_an_expired_review_is_listed_while_its_item_still_has_publications_waiting(world):
    waiting = expiring_item(world, "Wash your hands", -2)
    builders.make_publication(waiting.variants.get(), world.account)
    expiring_item(world, "Nothing waiting", -2)

    response = logged_in(world.editor).get(reverse("reviews_expiring"))

    assert [review.item for review in response.context["page"]] == [waiting]
    assert "expired" in response.text


def test_the_page_shows_only_the_members_organisation(world):
    expiring_item(world, "Ours", 5)
    builders.make_evidence(world.clinic_item, expires_on=world.clinic.today() + dt.timedelta(days=5))

    mine = logged_in(world.editor).get(reverse("reviews_expiring"))
    theirs = logged_in(world.outsider).get(reverse("reviews_expiring"))

    assert [r.item.title for r in mine.context["page"]] == ["Ours"]
    assert [r.item.title for r in theirs.context["page"]] == ["Wash your hands"]


def test_with_nothing_expiring_the_page_says_so(world):
    response = logged_in(world.editor).get(reverse("reviews_expiring"))

    assert response.status_code == 200
    assert "No review expires soon" in response.text


def test_the_page_is_paginated(world):
    for number in range(26):
        expiring_item(world, f"Advice {number:02}", 10)

    first = logged_in(world.editor).get(reverse("reviews_expiring"))
    second = logged_in(world.editor).get(reverse("reviews_expiring"), {"page": 2})

    assert len(first.context["page"]) == 25 and len(second.context["page"]) == 1
    assert "?page=2" in first.text


# The admin site


def test_an_admin_adds_a_source_to_a_claim_and_the_edit_voids_the_review(world, advice):
    builders.make_evidence(advice, world.clinician)
    claim, ecdc = advice.claims.get(), "https://www.ecdc.europa.eu/en/seasonal-influenza"
    [source] = claim.sources.all()
    rows = {"TOTAL_FORMS": 2, "INITIAL_FORMS": 1, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000,
            "0-id": source.pk, "0-claim": claim.pk, "0-url": source.url, "0-title": source.title, "0-kind": source.kind,
            "1-claim": claim.pk, "1-url": ecdc, "1-title": "ECDC", "1-kind": "national_agency"}  # fmt: skip

    response = logged_in(world.admin).post(
        reverse("admin:campaigns_claim_change", args=[claim.pk]),
        {"item": advice.pk, "text": claim.text, "position": 0, **{f"sources-{k}": v for k, v in rows.items()}},
    )

    assert response.status_code == 302
    added = Source.objects.get(url=ecdc)
    assert (added.item, added.claim, added.kind) == (advice, claim, "national_agency")
    assert not ClinicalReview.objects.filter(item=advice, voided_at__isnull=True).exists()


def test_the_admin_shows_clinical_reviews_read_only(world, advice):
    review = builders.make_evidence(advice, world.clinician)
    client = logged_in(world.admin)

    page = client.get(reverse("admin:campaigns_clinicalreview_change", args=[review.pk]))
    client.post(reverse("admin:campaigns_clinicalreview_change", args=[review.pk]), {"expires_on": "2099-01-01"})

    assert page.status_code == 200 and "MD, public health" in page.text
    assert ClinicalReview.objects.get(pk=review.pk).expires_on == review.expires_on


def test_removing_a_claim_from_a_stale_page_is_refused_with_the_reason_shown(world, advice):
    builders.make_evidence(advice, world.clinician)
    claim = advice.claims.get()

    response = logged_in(world.editor).post(
        reverse("claim_remove", args=[advice.pk, claim.pk]), {"version": advice.version - 1}
    )

    assert response.status_code == 409
    assert "newer version" in response.text
    assert 'name="claim-text"' in response.text  # the form to add a claim is still whole
    assert Claim.objects.filter(pk=claim.pk).exists()
