"""CSV import of a content plan: each row checked as the editor checks an item and its problems reported by row
number, column and rule; the valid rows imported as drafts on confirmation, once. The upload and the pages are
tested beside it (test_plan_import_upload.py, test_plan_import_pages.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from campaigns import plan_import
from campaigns.models import ContentItem, PlanImport, Source, VariantMedia
from tests import builders
from tests.campaigns.plan_files import GOOD, imported, plan_bytes, previewed, problems_of, upload

pytestmark = pytest.mark.django_db


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("changes", "column", "rule"),
    [
        ({"campaign": "No such campaign"}, "campaign", "unknown_campaign"),
        ({"campaign": ""}, "campaign", "required"),
        ({"text": ""}, "text", "required"),
        ({"kind": "podcast"}, "kind", "unknown_kind"),
        ({"planned_at": "15/01/2027 9h"}, "planned_at", "date_time"),
        ({"planned_at": "2027-03-28 02:30"}, "planned_at", "date_time"),  # skipped by DST in Paris
        ({"platforms": "mastodon myspace"}, "platforms", "unknown_platform"),
        ({"languages": "xx"}, "languages", "unknown_language"),
        ({"media": "nowhere.png"}, "media", "unknown_media"),
        ({"sources": "not-a-link"}, "sources", "source_url"),
        ({"hashtags": "#flu-jab"}, "hashtags", "hashtag"),
        ({"health_advice": "maybe"}, "health_advice", "yes_or_no"),
        ({"title": "t" * 201}, "title", "invalid"),
        ({"platforms": "x", "text": "Too long for X. " * 20}, "text", "length"),
        ({"health_advice": "yes"}, "sources", "source_required"),
        ({"platforms": "instagram"}, "media", "media_required"),
        ({"text": "Call about patient MRN 4481234 today."}, "text", "patient_data"),
    ],
)
def test_each_rule_is_reported_with_the_row_number_column_and_rule_and_the_row_is_not_imported(
    world, changes, column, rule
):
    rows = [GOOD, GOOD | {"title": "Second"}, GOOD | {"title": "Third"} | changes]

    plan = imported(world.ministry, world.editor, plan_bytes(rows))

    assert (4, column, rule) in problems_of(plan)
    assert {number for number, *_ in problems_of(plan)} == {4}
    assert (plan.problem_rows, plan.imported_rows) == (1, 2)
    assert not ContentItem.objects.filter(title="Third").exists()


def test_an_image_without_alt_text_in_the_variants_language_is_an_error_of_the_media_column(world):
    builders.make_media(
        world.ministry, "Clinic poster", file="media/2027/01/poster.png", alt_text={"fr": "Une affiche"}
    )

    plan = previewed(world.ministry, world.editor, plan_bytes([GOOD | {"media": "poster.png"}]))

    assert (2, "media", "alt_text_missing") in problems_of(plan)
    assert plan.valid_rows == 0


def test_a_language_the_campaign_does_not_use_is_refused(world):
    builders.make_campaign(world.ministry, "English only", languages=["en"], hashtags=[])

    plan = previewed(world.ministry, world.editor, plan_bytes([GOOD | {"campaign": "English only", "languages": "fr"}]))

    assert problems_of(plan) == [(2, "languages", "language_not_in_campaign")]


def test_warnings_are_shown_but_the_row_is_imported(world):
    plan = imported(world.ministry, world.editor, plan_bytes([GOOD | {"hashtags": ""}]))

    assert problems_of(plan) == [(2, "hashtags", "hashtags_missing")]
    assert plan.problems.get().severity == "warning"
    assert plan.imported_rows == 1


def test_the_preview_writes_no_item_and_counts_the_rows(world):
    before = ContentItem.objects.count()

    plan = previewed(
        world.ministry, world.editor, plan_bytes([GOOD, GOOD | {"campaign": "Nope"}, GOOD | {"text": "B"}])
    )

    assert ContentItem.objects.count() == before
    assert (plan.state, plan.total_rows, plan.checked_rows, plan.valid_rows, plan.problem_rows) == (
        "previewed", 3, 3, 2, 1,
    )  # fmt: skip


def test_an_imported_row_is_a_draft_with_one_variant_per_platform_and_language_planned_in_the_organisations_time(
    world,
):
    asset = builders.make_media(world.ministry, "Flu card", file="media/2027/01/flu-card.png",
                                alt_text={"en": "A nurse vaccinates a man", "fr": "Une infirmière vaccine un homme"})  # fmt: skip
    row = GOOD | {
        "platforms": "mastodon, Facebook", "languages": "en fr", "title": "", "media": "flu-card.png",
        "sources": "https://www.who.int/flu; https://www.cdc.gov/flu", "health_advice": "yes", "kind": "infographic",
    }  # fmt: skip

    imported(world.ministry, world.editor, plan_bytes([row]))

    item = ContentItem.objects.get(import_key__isnull=False)
    assert item.state == ContentItem.State.DRAFT
    assert item.kind == "infographic" and item.is_health_advice
    assert item.planned_at == dt.datetime(2027, 1, 15, 8, 0, tzinfo=dt.UTC)  # 09:00 in Paris in winter
    assert item.title == "Book your free flu vaccine at your health centre."
    assert item.master_text == "Book your free flu vaccine at your health centre.\n\n#FluVaccine"
    assert item.author == world.editor
    assert sorted(item.variants.values_list("platform", "language")) == [
        ("facebook", "en"), ("facebook", "fr"), ("mastodon", "en"), ("mastodon", "fr"),
    ]  # fmt: skip
    assert set(item.variants.values_list("text", flat=True)) == {item.master_text}
    assert VariantMedia.objects.filter(variant__item=item, asset=asset).count() == 4
    assert list(Source.objects.filter(item=item).order_by("pk").values_list("url", flat=True)) == [
        "https://www.who.int/flu", "https://www.cdc.gov/flu",
    ]  # fmt: skip
    assert item.history.get().history_change_reason == "Imported from CSV"


def test_a_time_with_an_offset_is_taken_as_it_is(world):
    imported(world.ministry, world.editor, plan_bytes([GOOD | {"planned_at": "2027-07-01T09:00+02:00"}]))

    assert ContentItem.objects.get(import_key__isnull=False).planned_at == dt.datetime(2027, 7, 1, 7, tzinfo=dt.UTC)


def test_the_same_file_imported_twice_imports_nothing_the_second_time_and_says_so_per_row(world):
    data = plan_bytes([GOOD, GOOD | {"title": "Two"}])
    imported(world.ministry, world.editor, data)

    again = imported(world.ministry, world.editor, data)

    assert again.valid_rows == 0 and again.duplicate_rows == 2 and again.imported_rows == 0
    assert problems_of(again) == [(2, "", "already_imported"), (3, "", "already_imported")]
    assert ContentItem.objects.filter(import_key__isnull=False).count() == 2


def test_a_row_repeated_in_the_file_is_imported_once(world):
    plan = imported(world.ministry, world.editor, plan_bytes([GOOD, GOOD | {"title": "Other"}, GOOD]))

    assert plan.imported_rows == 2 and plan.duplicate_rows == 1
    assert problems_of(plan) == [(4, "", "already_imported")]
    assert "row 2" in plan.problems.get().message


def test_a_row_imported_after_the_preview_is_not_imported_twice(world):
    data = plan_bytes([GOOD])
    first = previewed(world.ministry, world.editor, data)
    imported(world.ministry, world.editor, data)  # another upload of the same file, imported meanwhile

    plan_import.confirm(first, world.editor)
    first = plan_import.import_valid_rows(first.pk)

    assert (first.imported_rows, first.duplicate_rows) == (0, 1)
    assert ContentItem.objects.filter(import_key__isnull=False).count() == 1


def test_the_same_row_in_another_organisation_is_imported_there(world):
    builders.make_member(world.clinic, "cleo.editor", "editor")
    builders.make_campaign(world.clinic, "Flu vaccination", hashtags=["#FluVaccine"])
    data = plan_bytes([GOOD])

    imported(world.ministry, world.editor, data)
    theirs = imported(world.clinic, world.outsider, data)

    assert theirs.imported_rows == 1


def test_a_pass_delivered_twice_runs_once(world):
    plan = plan_import.upload_plan(world.ministry, world.editor, upload(plan_bytes([GOOD])))
    assert plan_import.preview(plan.pk) is not None

    assert plan_import.preview(plan.pk) is None
    plan_import.confirm(plan, world.editor)
    assert plan_import.import_valid_rows(plan.pk).imported_rows == 1
    assert plan_import.import_valid_rows(plan.pk) is None
    assert ContentItem.objects.filter(import_key__isnull=False).count() == 1


def test_a_pass_whose_worker_died_is_taken_up_again(world):
    plan = plan_import.upload_plan(world.ministry, world.editor, upload(plan_bytes([GOOD])))
    long_ago = plan.created_at - plan_import.RUN_STALE_AFTER * 2
    PlanImport.objects.filter(pk=plan.pk).update(state="previewing", progress_at=long_ago, checked_rows=1)

    assert plan_import.preview(plan.pk).valid_rows == 1


def test_a_plan_not_checked_yet_cannot_be_confirmed(world):
    plan = plan_import.upload_plan(world.ministry, world.editor, upload(plan_bytes([GOOD])))

    response = logged_in(world.editor).post(reverse("plan_import_confirm", args=[plan.pk]))

    assert response.status_code == 409
    assert PlanImport.objects.get(pk=plan.pk).state == "uploaded"


def test_a_plan_without_valid_rows_cannot_be_confirmed(world):
    plan = previewed(world.ministry, world.editor, plan_bytes([GOOD | {"campaign": "Nope"}]))

    response = logged_in(world.editor).post(reverse("plan_import_confirm", args=[plan.pk]))

    assert response.status_code == 409
