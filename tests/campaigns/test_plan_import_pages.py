"""The plan import pages: who may import, another organisation's imports, the progress endpoint, the problems' pages,
the template and the sample."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from campaigns import plan_import
from campaigns.models import PlanImport
from campaigns.plan_columns import NAMES
from tests.campaigns.plan_files import GOOD, imported, plan_bytes, previewed, problems_of, upload

pytestmark = pytest.mark.django_db


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


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
