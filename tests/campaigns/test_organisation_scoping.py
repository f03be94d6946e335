"""A member of organisation A can neither read nor change anything of organisation B, by any URL."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from analytics.models import CampaignTarget
from campaigns.admin_access import scoped
from campaigns.models import (
    Campaign,
    Claim,
    Comment,
    ContentItem,
    Correction,
    MediaAsset,
    Myth,
    MythDebunk,
    MythSource,
    Observance,
    Organisation,
    PartnerLink,
    PlanImport,
    PlanImportProblem,
    Source,
    Variant,
    VariantMedia,
)
from publishing.models import Cadence, Freeze, Publication, Recurrence, Release, Retraction, SocialAccount
from tests import builders

# Every URL of the planner's own pages that takes an object: the model of that object and how to
# address one. A new page must be added here, or `test_every_object_url_is_covered` fails.
OBJECT_URLS = {
    "campaign_detail": (Campaign, lambda c: {"pk": c.pk}),
    "item_new": (Campaign, lambda c: {"campaign_pk": c.pk}),
    "item_detail": (ContentItem, lambda i: {"pk": i.pk}),
    "item_edit": (ContentItem, lambda i: {"pk": i.pk}),
    "item_comment": (ContentItem, lambda i: {"pk": i.pk}),
    "item_comment_edit": (Comment, lambda c: {"pk": c.item_id, "comment_pk": c.pk}),
    "item_comment_delete": (Comment, lambda c: {"pk": c.item_id, "comment_pk": c.pk}),
    "item_move": (ContentItem, lambda i: {"pk": i.pk, "action": "archive"}),
    "item_schedule": (ContentItem, lambda i: {"pk": i.pk}),
    "item_repeat": (ContentItem, lambda i: {"pk": i.pk}),
    "item_repeat_again": (ContentItem, lambda i: {"pk": i.pk}),
    "publication_skip": (Publication, lambda p: {"pk": p.variant.item_id, "publication_pk": p.pk}),
    "freeze_lift": (Freeze, lambda f: {"pk": f.pk}),
    "account_disconnect": (SocialAccount, lambda a: {"pk": a.pk}),
    "account_quiet_hours": (SocialAccount, lambda a: {"pk": a.pk}),
    "release_detail": (Release, lambda r: {"pk": r.pk}),
    "release_move": (Release, lambda r: {"pk": r.pk}),
    "calendar_move": (Publication, lambda p: {"pk": p.pk}),
    "publication_decide": (Publication, lambda p: {"pk": p.pk}),
    "publication_move": (Publication, lambda p: {"pk": p.variant.item_id, "publication_pk": p.pk}),
    "variant_add": (ContentItem, lambda i: {"pk": i.pk}),
    "variant_save": (Variant, lambda v: {"pk": v.item_id, "variant_pk": v.pk}),
    "variant_media": (Variant, lambda v: {"pk": v.item_id, "variant_pk": v.pk}),
    "variant_check": (Variant, lambda v: {"pk": v.item_id, "variant_pk": v.pk}),
    "asset_detail": (MediaAsset, lambda a: {"pk": a.pk}),
    "annual_summary": (Organisation, lambda o: {"slug": o.slug, "year": 2026}),
    "media_picker": (Variant, lambda v: {"pk": v.item_id, "variant_pk": v.pk}),
    "campaign_report": (Campaign, lambda c: {"pk": c.pk}),
    "report_publications_csv": (Campaign, lambda c: {"pk": c.pk}),
    "report_tables_csv": (Campaign, lambda c: {"pk": c.pk}),
    "report_pdf": (Campaign, lambda c: {"pk": c.pk}),
    "target_add": (Campaign, lambda c: {"pk": c.pk}),
    "target_outcome": (CampaignTarget, lambda t: {"pk": t.campaign_id, "target_pk": t.pk}),
    "target_remove": (CampaignTarget, lambda t: {"pk": t.campaign_id, "target_pk": t.pk}),
    "sign_in_policy": (Organisation, lambda o: {"pk": o.pk}),
    "cadence_new": (Campaign, lambda c: {"campaign_pk": c.pk}),
    "cadence_preview": (Cadence, lambda c: {"pk": c.pk}),
    "cadence_apply": (Cadence, lambda c: {"pk": c.pk}),
    "observance_remove": (Observance, lambda o: {"pk": o.pk}),
    "sign_in_unlock": (Organisation, lambda o: {"pk": o.pk}),
    "myth_detail": (Myth, lambda m: {"pk": m.pk}),
    "myth_edit": (Myth, lambda m: {"pk": m.pk}),
    "myth_respond": (Myth, lambda m: {"pk": m.pk}),
    "partner_link_create": (ContentItem, lambda i: {"pk": i.pk}),
    "item_correct": (ContentItem, lambda i: {"pk": i.pk}),
    "item_retract": (ContentItem, lambda i: {"pk": i.pk}),
    "partner_link_revoke": (PartnerLink, lambda link: {"pk": link.item_id, "link_pk": link.pk}),
    "claim_add": (ContentItem, lambda i: {"pk": i.pk}),
    "claim_edit": (Claim, lambda c: {"pk": c.item_id, "claim_pk": c.pk}),
    "claim_remove": (Claim, lambda c: {"pk": c.item_id, "claim_pk": c.pk}),
    "claim_source_add": (Claim, lambda c: {"pk": c.item_id, "claim_pk": c.pk}),
    "claim_source_remove": (Source, lambda s: {"pk": s.item_id, "claim_pk": s.claim_id or 0, "source_pk": s.pk}),
    "clinical_review_sign": (ContentItem, lambda i: {"pk": i.pk}),
    "plan_import_detail": (PlanImport, lambda p: {"pk": p.pk}),
    "plan_import_status": (PlanImport, lambda p: {"pk": p.pk}),
    "plan_import_confirm": (PlanImport, lambda p: {"pk": p.pk}),
}

# Pages opened by a signed token rather than by membership: whoever holds the token reaches them, whatever their
# organisation (their refusals are tested in tests/campaigns/test_partner_review.py).
TOKEN_URLS = {"partner_review"}


def planner_patterns() -> list[URLPattern]:
    """Named URL patterns outside the admin site and the REST API."""
    found: list[URLPattern] = []

    def walk(patterns: list, prefix: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                # The admin has its own tests below; the REST API (namespace "api") has its own walk over
                # every route and method in tests/api/test_cross_organisation.py.
                if getattr(pattern, "app_name", None) not in ("admin", "api"):
                    walk(pattern.url_patterns)
            elif pattern.name:
                found.append(pattern)

    walk(get_resolver().url_patterns)
    return found


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def b_objects(world, model: type[Model]) -> list[Model]:
    """Objects of organisation B of one model (what B's admin sees and A's admin does not)."""
    own = scoped(model, world.admin).values("pk")
    return list(scoped(model, world.outsider).exclude(pk__in=own))


@pytest.fixture
def clinic_extras(world):
    """Give organisation B one row of every model, so that every admin page has something to hide."""
    media = builders.make_media(world.clinic, alt_text={"en": "Hands under a tap"})
    VariantMedia.objects.create(variant=world.clinic_variant, asset=media)
    Source.objects.create(item=world.clinic_item, url="https://www.who.int/hand-hygiene")
    builders.make_evidence(world.clinic_item, reviewer=world.outsider)  # a claim, its source, a clinical review
    publication = builders.make_publication(world.clinic_variant, world.clinic_account)
    Retraction.objects.create(
        publication=publication, decided_by=world.outsider, reason="Their reason", state="refused", message="No."
    )
    their_correction = builders.make_item(world.clinic_campaign, "Correction: wash your hands")
    Correction.objects.create(
        original=world.clinic_item, correction=their_correction, decided_by=world.outsider, reason="Their reason"
    )
    Recurrence.objects.create(
        item=world.clinic_item, frequency="daily", local_time="09:00", timezone="Europe/Paris", starts_on="2027-01-01",
        count=3, targets=[[world.clinic_variant.pk, world.clinic_account.pk]],
    )  # fmt: skip
    Freeze.objects.create(organisation=world.clinic, reason="Their crisis", started_by=world.outsider)
    Release.objects.create(organisation=world.clinic, name="Their release", instant=timezone.now())
    CampaignTarget.objects.create(campaign=world.clinic_campaign, measure="outcome", target=50, label="Donors")
    Comment.objects.create(item=world.clinic_item, author=world.outsider, body="Their comment")
    cadence = Cadence.objects.create(
        campaign=world.clinic_campaign, name="Theirs", times=["08:00"], weekdays=[0], starts_on=world.clinic.today()
    )
    cadence.accounts.set([world.clinic_account])
    Observance.objects.create(organisation=world.clinic, name="Clinic Day", month=5, day=2)
    myth = Myth.objects.create(organisation=world.clinic, claim="Their myth", first_seen="2026-01-01")
    MythDebunk.objects.create(myth=myth, language="en", text="Their debunk")
    MythSource.objects.create(myth=myth, url="https://www.who.int/myths")
    PartnerLink.objects.create(
        item=world.clinic_item, partner_name="Their partner", partner_email="partner@clinic.example",
        nonce=secrets.token_hex(16), created_by=world.outsider, expires_at=timezone.now() + dt.timedelta(days=7),
    )  # fmt: skip
    plan = PlanImport.objects.create(
        organisation=world.clinic, uploaded_by=world.outsider, file="plan_imports/theirs.csv", file_name="theirs.csv",
        state=PlanImport.State.PREVIEWED, total_rows=1, checked_rows=1, valid_rows=1,
    )  # fmt: skip
    PlanImportProblem.objects.create(plan_import=plan, row_number=2, rule="hashtags_missing", message="Theirs")
    world.clinic_campaign.name = "Clinic hand hygiene (edited)"
    world.clinic_campaign.save()
    return world


def test_every_object_url_is_covered():
    with_arguments = {p.name for p in planner_patterns() if p.pattern.converters}

    assert with_arguments == set(OBJECT_URLS) | TOKEN_URLS


@pytest.mark.parametrize("persona", ["contributor", "editor", "manager", "admin"])
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_pages_of_another_organisation_answer_not_found(clinic_extras, persona, method):
    world = clinic_extras
    before = {model: model.objects.count() for model, _ in OBJECT_URLS.values()}
    checked: set[str] = set()
    client = logged_in(getattr(world, persona))
    for name, (model, address) in OBJECT_URLS.items():
        for obj in scoped(model, world.outsider).exclude(pk__in=scoped(model, world.admin).values("pk")):
            response = getattr(client, method)(reverse(name, kwargs=address(obj)))
            assert response.status_code in (404, 405), (name, method, response.status_code)
            checked.add(name)
        assert model.objects.count() == before[model], name
    assert checked == set(OBJECT_URLS)  # every URL was tried with an object of the other organisation


@pytest.mark.parametrize("name", ["variant_save", "variant_media", "variant_check"])
def test_a_variant_of_another_organisation_is_not_reached_through_an_own_item(world, name):
    client = logged_in(world.editor)

    response = client.post(
        reverse(name, kwargs={"pk": world.item.pk, "variant_pk": world.clinic_variant.pk}), {"text": "x"}
    )

    assert response.status_code == 404


def test_home_lists_only_the_users_own_campaigns(world):
    response = logged_in(world.editor).get(reverse("home"))

    assert world.campaign.name in response.text
    assert world.clinic_campaign.name not in response.text


def test_admin_lists_show_no_row_of_another_organisation(clinic_extras):
    world = clinic_extras
    client = logged_in(world.admin)
    names_of_b = [world.clinic.name, world.clinic_campaign.name, world.clinic_item.title, "otto.outsider", "@clinic"]
    for model in admin.site._registry:
        meta = model._meta
        response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert response.status_code == 200, meta.label
        assert not [name for name in names_of_b if name in response.text], meta.label  # in rows or in filters
        for obj in b_objects(world, model):
            change_url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert change_url not in response.text, (meta.label, obj)


def test_admin_pages_of_another_organisations_objects_are_refused(clinic_extras):
    world = clinic_extras
    client = logged_in(world.admin)
    checked = 0
    for model in admin.site._registry:
        meta = model._meta
        for obj in b_objects(world, model):
            for view in ("change", "delete", "history"):
                url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])
                response = client.get(url)
                assert response.status_code in (302, 403, 404), (url, response.status_code)
                assert response.status_code != 302 or response.url == reverse("admin:index"), url
                checked += 1
    assert checked >= 3 * 8


def test_admin_cannot_change_or_delete_another_organisations_objects(clinic_extras):
    world = clinic_extras
    client = logged_in(world.admin)
    for model in admin.site._registry:
        meta = model._meta
        for obj in b_objects(world, model):
            before = model_to_dict(model.objects.get(pk=obj.pk))
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            client.post(change, {"name": "hijacked", "title": "hijacked", "username": "hijacked"})
            client.post(reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk]), {"post": "yes"})
            assert model_to_dict(model.objects.get(pk=obj.pk)) == before, meta.label


def test_admin_cannot_read_or_revert_another_organisations_history(clinic_extras):
    world = clinic_extras
    client = logged_in(world.admin)
    version = world.clinic_campaign.history.earliest()
    url = reverse("admin:campaigns_campaign_simple_history", args=[world.clinic_campaign.pk, version.history_id])

    assert client.get(url).status_code == 404
    client.post(url, {"name": "reverted by A"})
    world.clinic_campaign.refresh_from_db()
    assert world.clinic_campaign.name == "Clinic hand hygiene (edited)"


def test_admin_choices_offer_nothing_of_another_organisation(world):
    client = logged_in(world.admin)

    page = client.get(reverse("admin:campaigns_contentitem_add")).text

    assert world.campaign.name in page
    assert world.clinic_campaign.name not in page


def test_admin_cannot_create_an_item_in_another_organisations_campaign(world):
    client = logged_in(world.admin)
    form = {
        "campaign": world.clinic_campaign.pk, "kind": "post", "title": "Smuggled", "brief": "",
        "sources-TOTAL_FORMS": 0, "sources-INITIAL_FORMS": 0,
        "variants-TOTAL_FORMS": 0, "variants-INITIAL_FORMS": 0,
        "comments-TOTAL_FORMS": 0, "comments-INITIAL_FORMS": 0,
    }  # fmt: skip

    response = client.post(reverse("admin:campaigns_contentitem_add"), form)

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not ContentItem.objects.filter(title="Smuggled").exists()


def test_member_search_does_not_find_people_of_another_organisation(world):
    client = logged_in(world.admin)
    url = reverse("admin:autocomplete")
    query = {"app_label": "campaigns", "model_name": "membership", "field_name": "user", "term": "otto"}

    response = client.get(url, query)

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_staff_members_who_are_not_admins_cannot_use_the_admin(world):
    world.editor.is_staff = True
    world.editor.save()
    client = logged_in(world.editor)

    assert client.get(reverse("admin:campaigns_campaign_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_an_organisation_admin_cannot_grant_themselves_superuser_rights(world):
    client = logged_in(world.admin)
    url = reverse("admin:auth_user_change", args=[world.editor.pk])

    client.post(url, {"username": world.editor.username, "is_superuser": "on", "is_staff": "on",
                      "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0})  # fmt: skip

    world.editor.refresh_from_db()
    assert not world.editor.is_superuser
    assert not world.editor.is_staff
    assert get_user_model().objects.filter(is_superuser=True).count() == 0
