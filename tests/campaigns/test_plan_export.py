"""CSV export of the calendar: its items, with the calendar's filters, in the import's columns, so that an export
imports back to the same items; streamed, formula-safe, UTF-8 with a byte order mark."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.models import ContentItem, Role
from campaigns.plan_columns import NAMES, READ_ONLY
from publishing.models import Publication
from tests import builders
from tests.campaigns.plan_files import GOOD, imported, plan_bytes

pytestmark = pytest.mark.django_db

JANUARY = {"view": "month", "date": "2027-01-15"}
ROWS = [
    GOOD,
    GOOD | {"title": "Pour tous", "languages": "en fr", "platforms": "mastodon facebook",
            "text": "Le vaccin est gratuit.\nDeux lignes.", "planned_at": "2027-01-20T18:30+01:00"},
    GOOD | {"title": "عربي", "languages": "ar", "text": "لقاح الإنفلونزا مجاني في مركزك الصحي.", "kind": "alert"},
    GOOD | {"title": "Formula", "text": "=HYPERLINK(\"https://evil.example\") -10% +3 @all", "hashtags": ""},
    GOOD | {"title": "With a card", "media": "flu-card.png", "kind": "infographic", "health_advice": "yes",
            "sources": "https://www.who.int/flu https://www.cdc.gov/flu"},
]  # fmt: skip


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def card(organisation: object) -> None:
    builders.make_media(
        organisation, "Flu card", file="media/2027/01/flu-card.png", checksum=f"card-{organisation.pk}",
        alt_text={"en": "A nurse vaccinates a man", "fr": "Une infirmière vaccine un homme"},
    )  # fmt: skip


def export(user: object, **query: object) -> tuple[str, list[dict[str, str]]]:
    response = logged_in(user).get(reverse("calendar_export"), JANUARY | query)
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode()
    return text, list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def plan_cells(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{name: row[name] for name in NAMES} for row in rows]


@pytest.fixture
def twin(world):
    """A second organisation set up as the ministry is: the same campaign name, card file, languages and zone."""
    twin = builders.make_organisation("Twin ministry")
    builders.make_campaign(twin, "Flu vaccination")
    card(twin)
    world.twin, world.twin_editor = twin, builders.make_member(twin, "tess.editor", Role.EDITOR)
    return world


def test_an_export_imported_elsewhere_exports_the_same_plan(twin):
    world = twin
    card(world.ministry)
    imported(world.ministry, world.editor, plan_bytes(ROWS))
    text, rows = export(world.editor)

    again = imported(world.twin, world.twin_editor, text.encode())
    _text, theirs = export(world.twin_editor)

    assert (again.problem_rows, again.imported_rows) == (0, len(ROWS))
    assert plan_cells(theirs) == plan_cells(rows)
    assert len(rows) == len(ROWS)
    assert ContentItem.objects.filter(campaign__organisation=world.twin, title="عربي").get().master_text == (
        "لقاح الإنفلونزا مجاني في مركزك الصحي.\n\n#FluVaccine"
    )


def test_an_export_imported_into_its_own_organisation_imports_nothing_again(world):
    card(world.ministry)
    imported(world.ministry, world.editor, plan_bytes(ROWS))
    text, _rows = export(world.editor)

    again = imported(world.ministry, world.editor, text.encode())

    assert (again.duplicate_rows, again.imported_rows, again.problem_rows) == (len(ROWS), 0, 0)


def test_the_export_writes_the_import_columns_then_the_read_only_ones_with_times_and_their_offsets(world):
    imported(world.ministry, world.editor, plan_bytes([GOOD]))

    text, rows = export(world.editor)

    assert text.startswith("\ufeff")
    assert list(rows[0]) == [*NAMES, *READ_ONLY]
    item = ContentItem.objects.get(import_key__isnull=False)
    assert rows[0] | {"item": ""} == {name: "" for name in [*NAMES, *READ_ONLY]} | GOOD | {
        "planned_at": "2027-01-15 09:00+01:00", "title": GOOD["text"], "state": "draft", "item": "",
    }  # fmt: skip
    assert rows[0]["item"] == str(item.pk)


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text_and_read_back_as_it_was(world):
    imported(world.ministry, world.editor, plan_bytes([ROWS[3]]))

    text, rows = export(world.editor)

    assert rows[0]["text"].startswith("'=HYPERLINK")
    ContentItem.objects.all().delete()
    imported(world.ministry, world.editor, text.encode())
    assert ContentItem.objects.get(title="Formula").master_text == ROWS[3]["text"]


def test_the_export_has_the_calendars_filters(world):
    card(world.ministry)
    other = builders.make_campaign(world.ministry, "Hand hygiene", hashtags=[])
    imported(world.ministry, world.editor, plan_bytes([*ROWS, GOOD | {"campaign": other.name, "title": "Hands"}]))

    assert {row["title"] for row in export(world.editor, campaign=other.pk)[1]} == {"Hands"}
    assert {row["title"] for row in export(world.editor, platform="facebook")[1]} == {"Pour tous"}
    assert {row["title"] for row in export(world.editor, language="ar")[1]} == {"عربي"}
    assert export(world.editor, date="2027-02-01")[1] == []
    week = export(world.editor, view="week", date="2027-01-20")[1]
    assert [row["title"] for row in week] == ["Pour tous"]


def test_a_state_filter_exports_the_items_with_a_publication_in_that_state(world):
    imported(world.ministry, world.editor, plan_bytes([GOOD]))
    at = dt.datetime(2027, 1, 10, 8, tzinfo=dt.UTC)
    builders.make_publication(world.variant, world.account, scheduled_at=at, state=Publication.State.FAILED)

    rows = export(world.editor, state="failed")[1]

    assert [row["title"] for row in rows] == [world.item.title]
    assert rows[0]["planned_at"] == "2027-01-10 09:00+01:00"  # no planned time: its publication's


def test_the_export_holds_nothing_of_another_organisation(world):
    imported(world.ministry, world.editor, plan_bytes([GOOD]))
    builders.make_campaign(world.clinic, "Flu vaccination")
    imported(world.clinic, world.outsider, plan_bytes([GOOD | {"title": "Theirs", "languages": "en"}]))

    assert [row["title"] for row in export(world.editor)[1]] == [GOOD["text"]]
    response = logged_in(world.editor).get(reverse("calendar_export"), JANUARY | {"org": world.clinic.slug})
    assert response.status_code == 404


def test_the_calendar_links_to_its_export_with_its_filters(world):
    page = logged_in(world.editor).get(reverse("calendar"), JANUARY | {"platform": "mastodon"})

    assert reverse("calendar_export") in page.text
    assert "platform=mastodon" in page.text.split(reverse("calendar_export"), 1)[1].split('"', 1)[0]
