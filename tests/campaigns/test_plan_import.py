"""CSV import of a content plan: each row checked as the editor checks an item and its problems reported by row
number, column and rule; the valid rows imported as drafts on confirmation, once; the upload, the pages, who may."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from campaigns import plan_import
from campaigns.models import ContentItem, PlanImport, Source, VariantMedia
from campaigns.plan_columns import NAMES
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


# -- the upload ---------------------------------------------------------------------------------------------------


def post_file(user: object, data: bytes, name: str = "plan.csv"):
    return logged_in(user).post(reverse("plan_imports"), {"file": upload(data, name)})


def test_an_upload_is_stored_and_checked_then_the_page_shows_its_problems_and_the_confirmation(world):
    response = post_file(world.editor, plan_bytes([GOOD, GOOD | {"kind": "podcast"}]))

    plan = PlanImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plan_import_detail", args=[plan.pk])
    assert plan.state == "uploaded" and plan.total_rows == 2 and plan.uploaded_by == world.editor
    plan_import.preview(plan.pk)  # the task, run here
    page = logged_in(world.editor).get(reverse("plan_import_detail", args=[plan.pk]))
    assert "unknown_kind" in page.text and "podcast" in page.text
    assert reverse("plan_import_confirm", args=[plan.pk]) in page.text


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", ["not a CSV file in UTF-8"]),
        (b"campaign,kind\nFlu vaccination,post\n", ["lacks the column", "planned_at", "platforms"]),
        (plan_bytes([GOOD], header=[*NAMES, "colour"]), ["Unknown column", "colour"]),
        ("campaign;planned_at;platforms;languages;text\nFlu;é\n".encode("latin-1"), ["UTF-8"]),
        (plan_bytes([]), ["no rows"]),
        (plan_bytes([GOOD], header=[*NAMES, "text"]), ["twice", "text"]),
    ],
)
def test_a_file_that_cannot_be_a_plan_is_refused_naming_what_is_wrong(world, data, words):
    response = post_file(world.editor, data)

    assert response.status_code == 400
    for word in words:
        assert word in response.text
    assert not PlanImport.objects.exists()


def test_a_file_too_large_is_refused(world, monkeypatch):
    monkeypatch.setattr(plan_import, "MAX_BYTES", 100)

    response = post_file(world.editor, plan_bytes([GOOD] * 3))

    assert response.status_code == 400 and "MB" in response.text


def test_a_byte_order_mark_semicolons_and_header_case_are_accepted(world):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([name.upper().replace("_", " ") for name in NAMES])
    writer.writerow([GOOD.get(name, "") for name in NAMES])

    plan = previewed(world.ministry, world.editor, ("\ufeff" + out.getvalue()).encode())

    assert (plan.valid_rows, plan.problem_rows) == (1, 0)


def test_arabic_text_is_imported_as_it_was_written(world):
    text = "احصل على لقاح الإنفلونزا المجاني في مركزك الصحي."

    imported(world.ministry, world.editor, plan_bytes([GOOD | {"languages": "ar", "text": text}], bom=True))

    assert ContentItem.objects.get(import_key__isnull=False).master_text == f"{text}\n\n#FluVaccine"


def test_cells_past_the_header_are_a_problem_of_the_row(world):
    data = plan_bytes([GOOD]).rstrip(b"\r\n") + b",surprise\r\n"

    plan = previewed(world.ministry, world.editor, data)

    assert problems_of(plan) == [(2, "", "extra_cells")]


# -- who may, and the pages ---------------------------------------------------------------------------------------


def test_a_contributor_may_not_import(world):
    client = logged_in(world.contributor)

    assert client.get(reverse("plan_imports")).status_code == 404
    assert client.post(reverse("plan_imports"), {"file": upload(plan_bytes([GOOD]))}).status_code == 404
    assert not PlanImport.objects.exists()


def test_a_contributor_cannot_open_an_import_of_their_organisation(world):
    plan = previewed(world.ministry, world.editor, plan_bytes([GOOD]))
    client = logged_in(world.contributor)

    assert client.get(reverse("plan_import_detail", args=[plan.pk])).status_code == 403
    assert client.post(reverse("plan_import_confirm", args=[plan.pk])).status_code == 403


def test_the_service_refuses_a_contributor(world):
    with pytest.raises(plan_import.WorkflowError):
        plan_import.upload_plan(world.ministry, world.contributor, upload(plan_bytes([GOOD])))


def test_another_organisations_import_is_not_found(world):
    plan = previewed(world.ministry, world.editor, plan_bytes([GOOD]))
    client = logged_in(world.outsider)

    for name in ("plan_import_detail", "plan_import_status", "plan_import_confirm"):
        assert client.get(reverse(name, args=[plan.pk])).status_code in (404, 405)
        assert client.post(reverse(name, args=[plan.pk])).status_code in (404, 405)
    assert PlanImport.objects.get(pk=plan.pk).state == "previewed"


def test_an_upload_goes_into_the_chosen_organisation_only_if_the_person_imports_there(world):
    assert logged_in(world.outsider).get(reverse("plan_imports"), {"org": world.ministry.slug}).status_code == 404
    assert logged_in(world.editor).get(reverse("plan_imports"), {"org": world.ministry.slug}).status_code == 200


def test_the_status_endpoint_gives_the_progress_as_json(world):
    plan = plan_import.upload_plan(world.ministry, world.editor, upload(plan_bytes([GOOD] * 4)))
    PlanImport.objects.filter(pk=plan.pk).update(state="previewing", checked_rows=1)

    status = json.loads(logged_in(world.editor).get(reverse("plan_import_status", args=[plan.pk])).content)

    assert status["running"] is True and status["state"] == "previewing"
    assert (status["checked_rows"], status["total_rows"], status["percent"]) == (1, 4, 25)
    plan_import.preview(plan.pk)  # a stale claim is not needed: the test set the state by hand
    assert plan_import.preview(plan.pk) is None


def test_the_status_endpoint_says_when_the_import_is_done(world):
    plan = imported(world.ministry, world.editor, plan_bytes([GOOD]))

    status = json.loads(logged_in(world.editor).get(reverse("plan_import_status", args=[plan.pk])).content)

    assert status["running"] is False and status["state"] == "done" and status["imported_rows"] == 1


def test_the_problems_are_paginated(world):
    plan = previewed(world.ministry, world.editor, plan_bytes([GOOD | {"kind": "podcast"}] * 60))

    first = logged_in(world.editor).get(reverse("plan_import_detail", args=[plan.pk]))
    second = logged_in(world.editor).get(reverse("plan_import_detail", args=[plan.pk]), {"page": 2})

    assert first.text.count("unknown_kind") == 50 and second.text.count("unknown_kind") == 10


def test_the_template_has_the_columns_and_one_example_row_per_kind_and_states_the_time_zone(world):
    response = logged_in(world.editor).get(reverse("plan_template"), {"org": world.ministry.slug})

    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == list(NAMES)
    assert [row["kind"] for row in rows] == ["post", "infographic", "video", "alert"]
    assert {row["campaign"] for row in rows} == {"Flu vaccination"}
    assert "Europe/Paris" in text
    assert response["Content-Disposition"].startswith("attachment")


def test_the_templates_rows_read_as_plan_rows(world):
    response = logged_in(world.editor).get(reverse("plan_template"))

    plan = previewed(world.ministry, world.editor, b"".join(response.streaming_content))

    # The example files are not in the library: those two rows say so, the others are fine.
    assert {rule for _row, _column, rule in problems_of(plan) if rule == "unknown_media"} == {"unknown_media"}
    assert plan.valid_rows == 2


def test_the_sample_plan_can_be_downloaded_from_the_import_page(world):
    client = logged_in(world.editor)

    page = client.get(reverse("plan_imports"))
    sample = client.get(reverse("plan_sample"))

    assert reverse("plan_sample") in page.text and reverse("plan_template") in page.text
    assert b"".join(sample.streaming_content).startswith(b"campaign,kind,planned_at")


def test_the_management_command_checks_a_plan_and_imports_its_valid_rows_when_confirmed(world, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(plan_bytes([GOOD, GOOD | {"kind": "podcast"}]))
    out = io.StringIO()
    arguments = {"organisation": world.ministry.slug, "user": world.editor.username, "stdout": out}

    call_command("import_plan", str(path), **arguments)
    assert not ContentItem.objects.filter(import_key__isnull=False).exists()
    call_command("import_plan", str(path), confirm=True, **arguments)

    assert ContentItem.objects.filter(import_key__isnull=False).count() == 1
    assert "row 3, kind: [error unknown_kind]" in out.getvalue()
    assert "1 imported." in out.getvalue()


def test_the_management_command_refuses_a_contributor(world, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(plan_bytes([GOOD]))

    with pytest.raises(CommandError, match="editors, managers and admins"):
        call_command("import_plan", str(path), organisation=world.ministry.slug, user=world.contributor.username)
