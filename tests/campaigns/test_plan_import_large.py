"""A plan of 5,000 rows with 50 bad ones: each bad row reported with its number and rule and none of them imported;
the other 4,950 imported once, and nothing more when the same file is imported again."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns.models import ContentItem, Variant
from tests.campaigns.plan_files import GOOD, imported, plan_bytes, problems_of

pytestmark = pytest.mark.django_db

ROWS = 5000
BAD_EVERY = 100  # rows 100, 200, ... of the data: 50 bad rows
# What makes a bad row bad: the change, then the column and rule it must be reported under.
BREAKAGES = [
    ({"campaign": "No such campaign"}, "campaign", "unknown_campaign"),
    ({"planned_at": "tomorrow morning"}, "planned_at", "date_time"),
    ({"platforms": "myspace"}, "platforms", "unknown_platform"),
    ({"platforms": "x", "text": "Far too long for X. " * 20}, "text", "length"),
    ({"media": "not-in-the-library.png"}, "media", "unknown_media"),
]


def plan_rows() -> tuple[list[dict[str, str]], dict[int, tuple[str, str]]]:
    start = dt.datetime(2027, 1, 4, 8, 0)
    rows, bad = [], {}
    for n in range(1, ROWS + 1):
        when = start + dt.timedelta(minutes=15 * n)
        row = GOOD | {"title": f"Reminder {n}", "planned_at": when.strftime("%Y-%m-%d %H:%M"),
                      "platforms": "mastodon bluesky", "languages": "en fr"}  # fmt: skip
        if n % BAD_EVERY == 0:
            changes, column, rule = BREAKAGES[(n // BAD_EVERY) % len(BREAKAGES)]
            row |= changes
            bad[n + 1] = (column, rule)  # the file's row: the header is row 1
        rows.append(row)
    return rows, bad


def test_a_large_plan_imports_its_good_rows_once_and_reports_each_bad_one(world):
    rows, bad = plan_rows()
    data = plan_bytes(rows)

    plan = imported(world.ministry, world.editor, data)

    assert (plan.total_rows, plan.checked_rows) == (ROWS, ROWS)
    assert (plan.problem_rows, plan.valid_rows, plan.imported_rows) == (50, ROWS - 50, ROWS - 50)
    reported = {row: (column, rule) for row, column, rule in problems_of(plan)}
    assert reported == bad
    imported_items = ContentItem.objects.filter(import_key__isnull=False)
    assert imported_items.count() == ROWS - 50
    assert Variant.objects.filter(item__in=imported_items).count() == 4 * (ROWS - 50)
    titles = set(imported_items.values_list("title", flat=True))
    assert not titles & {f"Reminder {row - 1}" for row in bad}

    again = imported(world.ministry, world.editor, data)

    assert (again.imported_rows, again.duplicate_rows, again.problem_rows) == (0, ROWS - 50, 50)
    assert ContentItem.objects.filter(import_key__isnull=False).count() == ROWS - 50
    assert again.problems.filter(rule="already_imported").count() == ROWS - 50
