"""Server time of the calendar's month data (2,000 publications on 3 platforms) against PostgreSQL building the same JSON.

Run from the project root:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planner_bench .venv/bin/python bench/calendar.py [--repeat 50]

It creates and migrates the dedicated database if needed, seeds one month if it is not there,
then times the selector plus the JSON response (no HTTP) against one raw query in which
PostgreSQL builds the same JSON with json_agg(json_build_object(...)). Goal: within 4x.
"""

# ruff: noqa: E402 -- Django is set up before the project's modules are imported.
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This folder first on the path would shadow the standard library's `calendar` with this script.
sys.path[0] = str(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign, ContentItem, Membership, Organisation, Role, Variant
from publishing import calendar
from publishing.models import Publication, SocialAccount

GOAL_RATIO = 4.0
WARM_UP = 5
MONTH = dt.date(2027, 3, 1)  # holds the spring DST change in Paris
PUBLICATIONS = 2000
PLATFORMS = ("mastodon", "bluesky", "x")
CAMPAIGNS = [
    ("Flu vaccination", "#1f7a8c"),
    ("Heat wave", "#d9480f"),
    ("Measles", "#5f3dc4"),
    ("Hand hygiene", "#2b8a3e"),
]
ITEMS_PER_CAMPAIGN = 25
ORGANISATION = {"slug": "bench-health", "name": "Bench Health Agency", "timezone": "Europe/Paris"}

# PostgreSQL builds the same list the selector returns, in the same order, from the same rows.
BASELINE_SQL = """
SELECT coalesce(json_agg(json_build_object(
    'id', p.id, 'scheduled_at', to_char(p.scheduled_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
    'platform', v.platform, 'language', v.language, 'state', p.state, 'campaign_id', c.id,
    'campaign', c.name, 'colour', c.colour, 'item_id', i.id, 'title', i.title, 'account', a.handle
) ORDER BY p.scheduled_at, p.id), '[]')::text
FROM publishing_publication p
JOIN publishing_socialaccount a ON a.id = p.account_id
JOIN campaigns_variant v ON v.id = p.variant_id
JOIN campaigns_contentitem i ON i.id = v.item_id
JOIN campaigns_campaign c ON c.id = i.campaign_id
WHERE a.organisation_id = %(organisation)s
  AND a.organisation_id IN (SELECT organisation_id FROM campaigns_membership WHERE user_id = %(user)s)
  AND p.scheduled_at >= %(start)s AND p.scheduled_at < %(end)s
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed repetitions of each side (default 50)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench/calendar.py needs PostgreSQL: set DATABASE_URL=postgres://…/planner_bench", file=sys.stderr)
        return 2
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        print(f"Refusing to seed {name!r}: use a dedicated database whose name contains 'bench'.", file=sys.stderr)
        return 2
    prepare_database()
    user, organisation = seed()
    params = calendar.CalendarParams(view="month", day=MONTH, organisation=organisation.slug)
    span = calendar.span_of("month", MONTH, organisation.zone)

    def ours() -> bytes:
        return JsonResponse(calendar.as_json(calendar.calendar_for(user, params))).content

    sql_params = {"organisation": organisation.pk, "user": user.pk, "start": span.start, "end": span.end}

    def baseline() -> str:
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, sql_params)
            return cursor.fetchone()[0]

    with CaptureQueriesContext(connection) as queries:
        mine = json.loads(ours())["publications"]
    with local_session_time_zone(organisation.timezone):
        theirs = json.loads(baseline())
    ours_s, baseline_s = timed(ours, baseline, organisation.timezone, args.repeat)

    ratio = statistics.median(ours_s) / statistics.median(baseline_s)
    print(f"calendar month: {len(mine)} publications on {len({p['platform'] for p in mine})} platforms, "
          f"{connection.vendor} {connection.pg_version // 10000}, {args.repeat} repetitions each")  # fmt: skip
    print(f"  same JSON content as the baseline: {'yes' if mine == theirs else 'NO'}")
    print(f"  selector + JSON response: median {ms(ours_s)} ms (p90 {ms(ours_s, 0.9)}) in {len(queries)} queries")
    print(f"  PostgreSQL json_agg:      median {ms(baseline_s)} ms (p90 {ms(baseline_s, 0.9)}) in 1 query")
    print(f"  ratio {ratio:.2f}x — goal ≤ {GOAL_RATIO:.0f}x: {'met' if ratio <= GOAL_RATIO else 'NOT met'}")
    return 0 if mine == theirs else 1


def prepare_database() -> None:
    """Create the dedicated database if it is missing, and migrate it if it is behind."""
    try:
        connection.ensure_connection()
    except OperationalError:
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(
            dbname="postgres", user=settings["USER"], password=settings["PASSWORD"] or None,
            host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, autocommit=True,
        ) as admin:  # fmt: skip
            admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')
        connection.close()
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("migrating the benchmark database…")
        call_command("migrate", verbosity=0)


def seed() -> tuple[object, Organisation]:
    """One organisation, an editor, 4 campaigns, 3 accounts and 2,000 publications in the month, once."""
    organisation, _ = Organisation.objects.get_or_create(
        slug=ORGANISATION["slug"], defaults=ORGANISATION | {"languages": ["en", "fr"]}
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-editor")
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": Role.EDITOR})
    span = calendar.span_of("month", MONTH, organisation.zone)
    existing = Publication.objects.filter(
        account__organisation=organisation, scheduled_at__gte=span.start, scheduled_at__lt=span.end
    )
    if existing.count() == PUBLICATIONS:
        return user, organisation
    print(f"seeding {PUBLICATIONS} publications…")
    existing.delete()
    accounts = {
        platform: SocialAccount.objects.get_or_create(
            organisation=organisation, platform=platform, handle=f"@bench-{platform}",
            defaults={"api_base_url": "http://127.0.0.1:9/"},
        )[0]
        for platform in PLATFORMS
    }  # fmt: skip
    variants = []
    for name, colour in CAMPAIGNS:
        campaign, _ = Campaign.objects.get_or_create(
            organisation=organisation, name=name, defaults={"colour": colour, "start_date": MONTH}
        )
        for n in range(ITEMS_PER_CAMPAIGN):
            item, _ = ContentItem.objects.get_or_create(campaign=campaign, title=f"{name}: message {n + 1}")
            for platform in PLATFORMS:
                for language in ("en", "fr"):
                    variants.append(Variant.objects.get_or_create(item=item, platform=platform, language=language)[0])
    # Whole seconds: both sides then write the same ISO text.
    step = dt.timedelta(seconds=(span.end - span.start).total_seconds() // PUBLICATIONS)
    Publication.objects.bulk_create(
        Publication(variant=variant, account=accounts[variant.platform], scheduled_at=span.start + n * step)
        for n, variant in ((n, variants[n * 7 % len(variants)]) for n in range(PUBLICATIONS))
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, so that both sides get the plan production would
    return user, organisation


@contextlib.contextmanager
def local_session_time_zone(zone: str) -> Iterator[None]:
    """PostgreSQL formats local times in the session's zone; Django's connection is back in UTC afterwards."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('TimeZone', %s, false)", [zone])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('TimeZone', 'UTC', false)")


def timed(ours: Callable[[], object], baseline: Callable[[], object], zone: str, repeat: int) -> tuple[list, list]:
    """Seconds per call of each side, taken in turns so that the machine's load weighs on both alike."""
    ours_s, baseline_s = [], []
    for n in range(WARM_UP + repeat):
        start = time.perf_counter()
        ours()
        ours_time = time.perf_counter() - start
        with local_session_time_zone(zone):
            start = time.perf_counter()
            baseline()
            baseline_time = time.perf_counter() - start
        if n >= WARM_UP:  # the first calls warm caches and the connection
            ours_s.append(ours_time)
            baseline_s.append(baseline_time)
    return ours_s, baseline_s


def ms(durations: list[float], quantile: float = 0.5) -> str:
    ordered = sorted(durations)
    return f"{ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] * 1000:.2f}"


if __name__ == "__main__":
    sys.exit(main())
