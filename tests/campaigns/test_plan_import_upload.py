"""The upload of a content plan: what cannot be a plan is refused naming what is wrong; encodings, separators and
headers as spreadsheets write them; the management command."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from campaigns import plan_import
from campaigns.models import ContentItem, PlanImport
from campaigns.plan_columns import NAMES
from tests.campaigns.plan_files import GOOD, imported, plan_bytes, previewed, problems_of, upload

pytestmark = pytest.mark.django_db


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


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
