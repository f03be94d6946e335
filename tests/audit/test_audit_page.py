"""The audit page and its CSV export: for an organisation's admins only, filtered, paged, in local time."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from audit import events
from audit.models import Event
from audit.views import AUDIT_PAGE_SIZE

UTC = dt.UTC


def event_at(world, moment: dt.datetime, action: str = "item.submit", actor=None, organisation=None, **fields):
    """An event as `record` writes it, at `moment`."""
    event = events.record(
        organisation or world.ministry, actor or world.editor, action, fields.pop("object_type", "item"),
        fields.pop("object_id", world.item.pk), fields.pop("label", world.item.title), fields.pop("details", {}),
    )  # fmt: skip
    Event.objects.filter(pk=event.pk).update(at=moment)
    return event


def shown(response) -> list[int]:
    return [event.pk for event in response.context["page"]]


def exported(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


# Who may


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("audit"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["contributor", "editor", "manager"])
@pytest.mark.parametrize("name", ["audit", "audit_export"])
def test_members_who_are_not_admins_are_refused(world, web_as, persona, name):
    event_at(world, dt.datetime(2026, 5, 1, 9, tzinfo=UTC))

    response = web_as(persona).get(reverse(name))

    assert response.status_code == 403
    assert "ada.admin" not in response.content.decode()


def test_the_nav_links_the_audit_page_for_admins_only(world, web_as):
    assert f'href="{reverse("audit")}"' in web_as("admin").get(reverse("home")).text
    assert f'href="{reverse("audit")}"' not in web_as("manager").get(reverse("home")).text


def test_an_admin_sees_only_their_own_organisations_events(world, web_as):
    ours = event_at(world, dt.datetime(2026, 5, 1, 9, tzinfo=UTC))
    theirs = event_at(
        world, dt.datetime(2026, 5, 1, 9, tzinfo=UTC), actor=world.outsider, organisation=world.clinic,
        object_id=world.clinic_item.pk, label=world.clinic_item.title,
    )  # fmt: skip

    page = web_as("admin").get(reverse("audit"))
    other = web_as("outsider").get(reverse("audit"))
    csv_rows = exported(web_as("admin").get(reverse("audit_export")))

    assert shown(page) == [ours.pk] and shown(other) == [theirs.pk]
    assert world.clinic_item.title not in page.text
    assert [row["object"] for row in csv_rows] == [world.item.title]


def test_another_organisation_cannot_be_asked_for_by_filter(world, web_as):
    event_at(world, dt.datetime(2026, 5, 1, 9, tzinfo=UTC), actor=world.outsider, organisation=world.clinic)

    page = web_as("admin").get(reverse("audit"), {"organisation": world.clinic.pk})
    export = web_as("admin").get(reverse("audit_export"), {"organisation": world.clinic.pk})

    assert page.status_code == 400 and "organisation" in page.context["filters"].errors
    assert export.status_code == 400 and export.content.decode().startswith("organisation:")


# The list


def test_events_are_listed_newest_first_in_the_organisations_time(world, web_as):
    older = event_at(world, dt.datetime(2026, 1, 10, 8, 0, tzinfo=UTC))
    newer = event_at(world, dt.datetime(2026, 7, 10, 8, 0, tzinfo=UTC), action="item.approve", actor=world.manager)

    response = web_as("admin").get(reverse("audit"))

    assert shown(response) == [newer.pk, older.pk]
    assert "2026-01-10 09:00:00 CET" in response.text  # Paris in winter
    assert "2026-07-10 10:00:00 CEST" in response.text  # and in summer
    assert "mona.manager" in response.text and "Approved" in response.text
    assert f'href="{reverse("item_detail", args=[world.item.pk])}"' in response.text


def test_the_empty_states_say_whether_nothing_was_recorded_or_nothing_matches(world, web_as):
    nothing = web_as("admin").get(reverse("audit"))
    event_at(world, dt.datetime(2026, 5, 1, 9, tzinfo=UTC))
    no_match = web_as("admin").get(reverse("audit"), {"action": "account.connected"})

    assert "Nothing recorded yet" in nothing.text
    assert "No event matches these filters" in no_match.text and "Clear the filters" in no_match.text


def test_the_list_is_paged_and_the_pages_keep_the_filters(world, web_as):
    start = dt.datetime(2026, 5, 1, 9, tzinfo=UTC)
    made = [event_at(world, start + dt.timedelta(minutes=n)) for n in range(AUDIT_PAGE_SIZE + 5)]
    event_at(world, start, action="item.approve")

    first = web_as("admin").get(reverse("audit"), {"action": "item.submit"})
    second = web_as("admin").get(reverse("audit"), {"action": "item.submit", "page": 2})

    assert shown(first) == [e.pk for e in reversed(made)][:AUDIT_PAGE_SIZE]
    assert shown(second) == [e.pk for e in reversed(made)][AUDIT_PAGE_SIZE:]
    assert "?action=item.submit&amp;page=2" in first.text


def test_filters_by_actor_action_object_type_and_object(world, web_as):
    submitted = event_at(world, dt.datetime(2026, 5, 1, 9, tzinfo=UTC))
    approved = event_at(world, dt.datetime(2026, 5, 1, 10, tzinfo=UTC), action="item.approve", actor=world.manager)
    paused = event_at(
        world, dt.datetime(2026, 5, 1, 11, tzinfo=UTC), action="freeze.started", actor=world.manager,
        object_type="freeze", object_id=77, label="Ministry of Health",
    )  # fmt: skip
    client = web_as("admin")

    def ids(**filters: object) -> list[int]:
        response = client.get(reverse("audit"), filters)
        assert response.status_code == 200, response.context["filters"].errors
        return shown(response)

    assert ids(actor=world.manager.pk) == [paused.pk, approved.pk]
    assert ids(action="item.submit") == [submitted.pk]
    assert ids(object_type="freeze") == [paused.pk]
    assert ids(object="77") == [paused.pk]
    assert ids(object="flu JAB") == [approved.pk, submitted.pk]
    assert ids(actor=world.manager.pk, object_type="item") == [approved.pk]


def test_dates_are_days_where_the_organisation_works(world, web_as):
    # 23:30 UTC on 31 December is already 1 January in Paris.
    new_year = event_at(world, dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    last_day = event_at(world, dt.datetime(2026, 12, 31, 22, 30, tzinfo=UTC))
    client = web_as("admin")

    january = client.get(reverse("audit"), {"date_from": "2027-01-01", "date_to": "2027-01-01"})
    december = client.get(reverse("audit"), {"date_to": "2026-12-31"})

    assert shown(january) == [new_year.pk]
    assert shown(december) == [last_day.pk]


def test_an_inverted_or_malformed_date_range_is_refused_on_its_field(world, web_as):
    client = web_as("admin")

    inverted = client.get(reverse("audit"), {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    malformed = client.get(reverse("audit"), {"date_from": "yesterday"})
    unknown_action = client.get(reverse("audit"), {"action": "item.teleport"})

    assert inverted.status_code == 400 and list(inverted.context["filters"].errors) == ["date_to"]
    assert "The end date is before the start date." in inverted.text
    assert malformed.status_code == 400 and list(malformed.context["filters"].errors) == ["date_from"]
    assert unknown_action.status_code == 400 and list(unknown_action.context["filters"].errors) == ["action"]


# The export


def test_the_export_streams_every_filtered_row_with_times_and_their_offsets(world, web_as):
    start = dt.datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    for n in range(AUDIT_PAGE_SIZE + 20):
        event_at(world, start + dt.timedelta(minutes=n), details={"from": "draft", "to": "in_review"})
    event_at(world, start, action="item.approve", actor=world.manager)

    response = web_as("admin").get(reverse("audit_export"), {"action": "item.submit"})

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = exported(response)
    assert len(rows) == AUDIT_PAGE_SIZE + 20
    last = rows[-1]  # the oldest: newest first, as on the page
    assert last["when"] == "2026-07-01T08:00:00+02:00" and last["when_utc"] == "2026-07-01T06:00:00+00:00"
    assert last["organisation"] == "Ministry of Health" and last["actor"] == "eve.editor"
    assert last["action"] == "item.submit" and last["action_label"] == "Submitted for review"
    assert last["object_type"] == "item" and last["object_id"] == str(world.item.pk)
    assert json.loads(last["details"]) == {"from": "draft", "to": "in_review"}


def test_the_export_of_an_empty_trail_is_its_header(world, web_as):
    response = web_as("admin").get(reverse("audit_export"))

    assert b"".join(response.streaming_content).decode().strip() == (
        "when,when_utc,organisation,actor,action,action_label,object_type,object_id,object,details"
    )


def test_a_label_that_a_spreadsheet_would_run_is_quoted(world, web_as):
    event_at(world, dt.datetime(2026, 5, 1, 9, tzinfo=UTC), label='=HYPERLINK("http://evil.example")')

    [row] = exported(web_as("admin").get(reverse("audit_export")))

    assert row["object"] == '\'=HYPERLINK("http://evil.example")'


def test_the_export_link_carries_the_filters(world, web_as):
    event_at(world, dt.datetime(2026, 5, 1, 9, tzinfo=UTC))

    response = web_as("admin").get(reverse("audit"), {"action": "item.submit", "page": 1})

    assert f'href="{reverse("audit_export")}?action=item.submit"' in response.text


# What is kept


def test_secret_looking_details_are_never_stored(world):
    event = events.record(
        world.ministry, world.admin, "account.connected", "account", world.account.pk, "@health",
        {"handle": "@health", "access_token": "abc", "nested": {"client_secret": "xyz", "kept": 1}},
    )  # fmt: skip

    assert Event.objects.get(pk=event.pk).details == {"handle": "@health", "nested": {"kept": 1}}


def test_an_unknown_action_is_refused_when_recorded(world):
    with pytest.raises(ValueError):
        events.record(world.ministry, world.admin, "item.teleport", "item", world.item.pk)
