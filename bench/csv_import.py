"""Import of a 20,000-row content plan: rows per second and peak memory, against csv.reader plus a bulk insert of the
same rows without checks, in the same run.

Run from the project root:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planner_bench .venv/bin/python bench/csv_import.py [--rows 20000]

Each phase imports into an organisation of its own, made for the run and removed after it. Phases, each timed
without tracemalloc (it slows Python several times) in turns over 2 rounds (the best of each kept), then run again
under tracemalloc for its peak:
- baseline: csv.reader over the file, each row made into an item, its variants and sources, bulk-inserted per
  batch of `plan_import.BATCH_ROWS`, no check, no history;
- preview: `plan_import.preview` (every row read and checked as the editor checks an item, nothing written);
- import: `plan_import.import_valid_rows` after a preview (timed alone: every row read again, the valid ones
  inserted with their history, idempotent); the preview and the import together are printed too.
Goal: the import at least 0.3 of the baseline's rows per second, and its peak memory flat in the file's size
(the same at 5,000 rows as at 20,000).
"""

# ruff: noqa: E402 -- Django is set up before the project's modules are imported.
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
import zoneinfo
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # this folder first on the path would shadow the standard library's `calendar`
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")
os.environ.setdefault("DEBUG", "0")  # production-like: no query log growing with the rows

import django

django.setup()

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import connection, transaction

from bench.calendar import prepare_database
from campaigns import plan_import
from campaigns.models import Campaign, ContentItem, Membership, Organisation, PlanImport, Role, Source, Variant
from campaigns.plan_columns import NAMES

GOAL_RATIO = 0.3
MEMORY_ROWS = (5000, 20000)
ZONE = "Europe/Paris"
CAMPAIGN = "Flu vaccination"


def write_plan(path: Path, rows: int) -> None:
    """A plan of `rows` distinct valid rows, each an item with 4 variants (2 platforms by 2 languages), a source."""
    start = dt.datetime(2027, 1, 4, 8, 0)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(NAMES)
        for n in range(1, rows + 1):
            # 40 a day between 08:00 and 17:45, clear of the night hours a DST change skips or doubles.
            when = start + dt.timedelta(days=n // 40, minutes=15 * (n % 40))
            row = {
                "campaign": CAMPAIGN, "kind": "post", "planned_at": when.strftime("%Y-%m-%d %H:%M"),
                "platforms": "mastodon bluesky", "languages": "en fr", "title": f"Reminder {n}",
                "text": f"Book your free flu vaccine at your health centre: reminder {n} of the season.",
                "hashtags": "#FluVaccine", "sources": "https://www.who.int/news-room/fact-sheets/detail/influenza-(seasonal)",
            }  # fmt: skip
            writer.writerow([row.get(name, "") for name in NAMES])


def organisation_for(phase: str) -> tuple[Organisation, object]:
    slug = f"bench-csv-{phase}-{uuid.uuid4().hex[:8]}"
    organisation = Organisation.objects.create(name=slug, slug=slug, timezone=ZONE, languages=["en", "fr"])
    Campaign.objects.create(
        organisation=organisation, name=CAMPAIGN, start_date=dt.date(2027, 1, 1), hashtags=["#FluVaccine"]
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-csv-editor")
    Membership.objects.create(user=user, organisation=organisation, role=Role.EDITOR)
    return organisation, user


def baseline(path: Path, organisation: Organisation, _user: object) -> tuple[int, float]:
    """csv.reader and bulk_create of the same items, variants and sources: no check, no history, no key."""
    started = time.perf_counter()
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    campaign = Campaign.objects.get(organisation=organisation)
    count = 0
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        header = next(reader)
        batch: list[dict[str, str]] = []

        def flush() -> None:
            with transaction.atomic():
                items = [
                    ContentItem(
                        campaign=campaign,
                        kind=row["kind"],
                        title=row["title"],
                        master_text=f"{row['text']}\n\n{row['hashtags']}",
                        planned_at=dt.datetime.fromisoformat(row["planned_at"]).replace(tzinfo=zone),
                    )
                    for row in batch
                ]
                ContentItem.objects.bulk_create(items)
                Variant.objects.bulk_create([
                    Variant(item=item, platform=platform, language=language, text=item.master_text)
                    for item, row in zip(items, batch, strict=True)
                    for platform in row["platforms"].split() for language in row["languages"].split()
                ])  # fmt: skip
                Source.objects.bulk_create([
                    Source(item=item, url=url) for item, row in zip(items, batch, strict=True)
                    for url in row["sources"].split()
                ])  # fmt: skip
            batch.clear()

        for values in reader:
            batch.append(dict(zip(header, values, strict=True)))
            count += 1
            if len(batch) == plan_import.BATCH_ROWS:
                flush()
        if batch:
            flush()
    return count, time.perf_counter() - started


def uploaded(path: Path, organisation: Organisation, user: object) -> PlanImport:
    """The plan stored as an upload is, its passes left to this script."""
    with path.open("rb") as binary:
        return plan_import.upload_plan(organisation, user, File(binary, name="bench-plan.csv"), enqueue=False)


def preview(path: Path, organisation: Organisation, user: object) -> tuple[int, float]:
    """The preview pass: every row read and checked (the upload's reading of the file included)."""
    started = time.perf_counter()
    plan = plan_import.preview(uploaded(path, organisation, user).pk)
    assert plan.valid_rows == plan.total_rows, f"{plan.problem_rows} rows with problems"
    return plan.checked_rows, time.perf_counter() - started


def import_rows(path: Path, organisation: Organisation, user: object) -> tuple[int, float]:
    """The import pass once the preview is done: every row read again, the valid ones inserted with history."""
    plan = plan_import.preview(uploaded(path, organisation, user).pk)
    plan_import.confirm(plan, user, enqueue=False)
    started = time.perf_counter()
    plan = plan_import.import_valid_rows(plan.pk)
    assert plan.imported_rows == plan.total_rows, f"{plan.imported_rows} of {plan.total_rows} imported"
    return plan.imported_rows, time.perf_counter() - started


PHASES: dict[str, Callable[[Path, Organisation, object], tuple[int, float]]] = {
    "baseline": baseline, "preview": preview, "import": import_rows,
}  # fmt: skip


def run(phase: str, path: Path, *, traced: bool) -> tuple[int, float, int]:
    """(rows, seconds, peak bytes traced or 0) of one phase, in an organisation of its own."""
    organisation, user = organisation_for(phase)
    try:
        if traced:
            tracemalloc.start()
        rows, seconds = PHASES[phase](path, organisation, user)
        peak = tracemalloc.get_traced_memory()[1] if traced else 0
        return rows, seconds, peak
    finally:
        if traced:
            tracemalloc.stop()
        remove(organisation)


def remove(organisation: Organisation) -> None:
    """The phase's rows, removed in SQL (Django's cascade would load them all): items, parts and their history."""
    items = "SELECT i.id FROM campaigns_contentitem i JOIN campaigns_campaign c ON c.id = i.campaign_id WHERE c.organisation_id = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        for table, column in (
            ("campaigns_historicalsource", "item_id"), ("campaigns_source", "item_id"),
            ("campaigns_historicalvariant", "item_id"), ("campaigns_variant", "item_id"),
            ("campaigns_historicalcontentitem", "id"), ("campaigns_contentitem", "id"),
        ):  # fmt: skip
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({items})", [organisation.pk])  # noqa: S608
    for plan in PlanImport.objects.filter(organisation=organisation):
        plan.file.delete(save=False)
    organisation.delete()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000, help="rows of the timed plan (default 20,000)")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds of every phase, the best kept")
    parser.add_argument("--memory-rows", type=int, nargs=2, default=MEMORY_ROWS, help="the two sizes traced")
    args = parser.parse_args()
    memory_rows = tuple(args.memory_rows)
    if connection.vendor == "postgresql":
        if "bench" not in connection.settings_dict["NAME"]:
            print("Give a dedicated database whose name contains 'bench'.", file=sys.stderr)
            return 2
        prepare_database()
    print(f"database: {connection.vendor}; batch: {plan_import.BATCH_ROWS} rows")
    with tempfile.TemporaryDirectory(prefix="bench-csv-") as folder:
        plans = {rows: Path(folder) / f"plan-{rows}.csv" for rows in {args.rows, *memory_rows}}
        for rows, path in plans.items():
            write_plan(path, rows)
        print(f"\n{args.rows:,} rows ({plans[args.rows].stat().st_size / 2**20:.1f} MB), 4 variants and a source each:")
        speeds: dict[str, float] = {}
        # The phases take turns, and each keeps its best round: the machine's other work comes and goes.
        for round_number in range(1, args.rounds + 1):
            for phase in PHASES:
                rows, seconds, _ = run(phase, plans[args.rows], traced=False)
                speeds[phase] = max(speeds.get(phase, 0), rows / seconds)
                print(
                    f"  round {round_number} {phase:<9} {rows:>7,} rows in {seconds:6.1f} s: {rows / seconds:8,.0f} rows/s"
                )
        print("  best: " + ", ".join(f"{phase} {speed:,.0f} rows/s" for phase, speed in speeds.items()))
        ratio = speeds["import"] / speeds["baseline"]
        met = "met" if ratio >= GOAL_RATIO else "NOT met"
        both = 1 / (1 / speeds["preview"] + 1 / speeds["import"])
        print(f"  import / baseline: {ratio:.2f} (goal ≥ {GOAL_RATIO}: {met}); preview / baseline: "
              f"{speeds['preview'] / speeds['baseline']:.2f}; preview then import: {both:,.0f} rows/s, "
              f"{both / speeds['baseline']:.2f} of the baseline")  # fmt: skip
        print("\npeak memory traced (tracemalloc):")
        peaks: dict[str, dict[int, int]] = {}
        for phase in PHASES:
            peaks[phase] = {rows: run(phase, plans[rows], traced=True)[2] for rows in memory_rows}
            figures = ", ".join(f"{rows:,} rows {peak / 2**20:5.1f} MB" for rows, peak in peaks[phase].items())
            print(f"  {phase:<9} {figures}")
        low, high = (peaks["import"][rows] for rows in memory_rows)
        flat = high <= low * 1.25
        print(f"  import at {memory_rows[1]:,} rows / at {memory_rows[0]:,}: {high / low:.2f} "
              f"(goal flat: {'met' if flat else 'NOT met'})")  # fmt: skip
    return 0 if ratio >= GOAL_RATIO and flat else 1


if __name__ == "__main__":
    sys.exit(main())
