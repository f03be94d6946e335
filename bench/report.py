"""Server time of a campaign report over 20,000 publications x 30 metric snapshots against one raw SQL aggregate.

Run from the project root, on the embedded SQLite (a data folder of its own) or on PostgreSQL:
    PLANNER_DATA_DIR=/tmp/bench-report-data .venv/bin/python bench/report.py [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planner_bench .venv/bin/python bench/report.py [--repeat 5]

On PostgreSQL the database's name must contain "bench"; the script creates it if missing (through psycopg, on
the server's `postgres` database) and migrates it if behind, as bench/calendar.py does. It seeds once (found
again by the organisation's slug and the row counts) an organisation in Europe/Paris with one campaign of 160
items (posts, infographics, videos, alerts) in variants on the 8 platforms and 3 languages, 20,000 posts
published over 6 months, and 30 metric snapshots of each (600,000 rows, the last flagged `is_latest`; Mastodon's
impressions and clicks NULL, as the platform counts neither). The figures are drawn from a seeded random, so
every seeding gives the same totals.

Then, in turns, `--repeat` times each after one warm-up: ours, the report page `/campaigns/<pk>/report/` through
Django's test Client logged in as a manager of the organisation (server time of `client.get`, and its query
count), and `analytics.reports.campaign_report` alone (no template); and two baselines, each one raw SQL query
that adds up the report's totals panel from each post's latest snapshot found in SQL (the newest in its series,
not the `is_latest` flag), joined to the campaign's published posts: (a) portable SQL, ROW_NUMBER() over every
snapshot of the posts; (b) one index probe per post for its newest snapshot (LATERAL ... LIMIT 1 on PostgreSQL,
a correlated subquery on SQLite), the fastest form found. It checks that both baselines' totals equal
`analytics.figures.totals` (exit 1 if not) and prints the median and the best of each, and the ratio of the
page's median to each baseline's. Goal: within 3x.
"""

# ruff: noqa: E402 -- Django is set up before the project's modules are imported.
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")
os.environ.setdefault("DEBUG", "false")  # production-like: no query log kept in memory, no debug context

import django

django.setup()

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics import figures, reports
from analytics.figures import Totals
from analytics.models import CampaignTarget
from bench.calendar import prepare_database
from campaigns.models import Campaign, ContentItem, Membership, Organisation, Role, Variant
from publishing.models import Metric, Publication, SocialAccount
from publishing.platforms import Platform

GOAL_RATIO = 3.0
WARM_UP = 1
SEED = 20261202
ORGANISATION = {"slug": "bench-report", "name": "Bench Report Agency", "timezone": "Europe/Paris"}
LANGUAGES = ("en", "fr", "ar")
START = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
DAYS = 183  # six months
PUBLICATIONS = 20_000
SNAPSHOTS = 30
# Hours after publication of each snapshot: dense on the first day, then daily, then weekly, up to four weeks.
SNAPSHOT_HOURS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 18, 21, 24, 30, 36, 42, 48, 60, 72, 84, 96, 120, 144, 168,
                  216, 264, 336, 408, 504, 672)  # fmt: skip
# 5,000 rows a statement: under SQLite's 32,766 bound parameters only with Django's own split (13 columns a
# Metric), and few enough round trips on PostgreSQL; larger batches gained nothing measurable in seeding.
BATCH = 5_000
ITEMS = {
    ContentItem.Kind.POST: 80,
    ContentItem.Kind.INFOGRAPHIC: 40,
    ContentItem.Kind.VIDEO: 24,
    ContentItem.Kind.ALERT: 16,
}
VIDEO_PLATFORMS = ("youtube", "instagram", "facebook", "x", "threads", "linkedin")
# Each platform's typical final impressions per post (the median of a log-normal spread).
TYPICAL_REACH = {"x": 2500, "facebook": 6000, "instagram": 4000, "threads": 1200, "linkedin": 1800,
                 "youtube": 9000, "mastodon": 0, "bluesky": 900}  # fmt: skip
NO_IMPRESSIONS = {Platform.MASTODON}  # Mastodon reports favourites, boosts and replies, no views and no clicks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions of each side (default 5)")
    args = parser.parse_args()
    if connection.vendor == "postgresql" and "bench" not in connection.settings_dict["NAME"]:
        print(f"Refusing to seed {connection.settings_dict['NAME']!r}: use a database whose name contains 'bench'.",
              file=sys.stderr)  # fmt: skip
        return 2
    if connection.vendor == "postgresql":
        prepare_database()
    else:
        _migrate_sqlite()
    started = time.perf_counter()
    user, campaign = seed()
    print(f"data ready in {time.perf_counter() - started:.0f} s; load {_load()}")

    client = Client()
    client.force_login(user)
    url = reverse("campaign_report", args=[campaign.pk])

    def page() -> bytes:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"the report page answered {response.status_code}")
        return response.content

    def report() -> dict:
        return reports.campaign_report(campaign, user)

    params = {"campaign": campaign.pk, "published": Publication.State.PUBLISHED}
    baselines = {"window": partial(_totals, WINDOW_SQL, params), "probe": partial(_totals, PROBE_SQL[connection.vendor], params)}  # fmt: skip
    mine = figures.totals(figures.published(variant__item__campaign=campaign))
    for name, baseline in baselines.items():
        if (theirs := baseline()) != mine:
            print(f"The {name} baseline's totals differ from the report's:\n  ours     {mine}\n  baseline {theirs}",
                  file=sys.stderr)  # fmt: skip
            return 1
    # Counted now: every request's start empties the connection's query log that the contexts slice lazily.
    with CaptureQueriesContext(connection) as captured:
        page()
    page_queries = len(captured)
    with CaptureQueriesContext(connection) as captured:
        report()
    report_queries = len(captured)
    load = _load()
    page_s, report_s, window_s, probe_s = timed((page, report, *baselines.values()), args.repeat)

    rows = Metric.objects.filter(publication__variant__item__campaign=campaign).count()
    version = f"PostgreSQL {connection.pg_version // 10000}" if connection.vendor == "postgresql" else (
        f"SQLite {connection.Database.sqlite_version}")  # fmt: skip
    print(f"campaign report: {mine.posts:,} published posts of {mine.items} items, {rows:,} metric rows; {version}; "
          f"{args.repeat} repetitions each after {WARM_UP} warm-up; load at the start {load}")  # fmt: skip
    print(f"  totals equal to both baselines': yes (reach {mine.reach:,}, engagement {mine.engagement:,})")
    print(f"  report page (Client.get):   {_ms(page_s)} in {page_queries} queries")
    print(f"  campaign_report() alone:    {_ms(report_s)} in {report_queries} queries")
    print(f"  baseline (a), window:       {_ms(window_s)} (ROW_NUMBER over every snapshot of the posts)")
    probe = "LATERAL … LIMIT 1" if connection.vendor == "postgresql" else "a correlated subquery … LIMIT 1"
    print(f"  baseline (b), index probe:  {_ms(probe_s)} (each post's newest snapshot by {probe})")
    for name, durations in (("(a)", window_s), ("(b)", probe_s)):
        ratio = statistics.median(page_s) / statistics.median(durations)
        print(f"  ratio page / baseline {name} {ratio:5.2f}x (medians) — goal ≤ {GOAL_RATIO:.0f}x: "
              f"{'PASS' if ratio <= GOAL_RATIO else 'MISS'}")  # fmt: skip
    print(f"  load at the end {_load()} on {os.cpu_count()} CPUs")
    return 0


# The report's totals panel, from each published post's latest snapshot as SQL finds it (the newest in its
# series), not from the `is_latest` flag; a post with no snapshot counts as a post with no figures, as ours.
# (a) in portable SQL: a window function numbers every snapshot of the campaign's posts, newest first.
WINDOW_SQL = """
WITH posts AS (
    SELECT p.id, v.item_id
    FROM publishing_publication p
    JOIN campaigns_variant v ON v.id = p.variant_id
    JOIN campaigns_contentitem i ON i.id = v.item_id
    WHERE i.campaign_id = %(campaign)s AND p.state = %(published)s AND p.published_at IS NOT NULL
), series AS (
    SELECT m.impressions, m.likes, m.shares, m.replies, m.clicks, m.video_views, m.watch_time_s,
           COALESCE(m.likes, 0) + COALESCE(m.shares, 0) + COALESCE(m.replies, 0) + COALESCE(m.clicks, 0) AS engagement,
           ROW_NUMBER() OVER (PARTITION BY m.publication_id ORDER BY m.collected_at DESC, m.id DESC) AS n
    FROM publishing_metric m
    WHERE m.publication_id IN (SELECT id FROM posts)
)
SELECT (SELECT COUNT(*) FROM posts) AS posts, (SELECT COUNT(DISTINCT item_id) FROM posts) AS items,
       COALESCE(SUM(impressions), 0) AS reach, COALESCE(SUM(likes), 0) AS likes, COALESCE(SUM(shares), 0) AS shares,
       COALESCE(SUM(replies), 0) AS replies, COALESCE(SUM(clicks), 0) AS clicks,
       COALESCE(SUM(video_views), 0) AS video_views, COALESCE(SUM(watch_time_s), 0) AS watch_time_s,
       COALESCE(SUM(engagement), 0) AS engagement,
       COALESCE(SUM(CASE WHEN impressions IS NOT NULL THEN engagement END), 0) AS rated_engagement
FROM series
WHERE n = 1
"""

# (b) one index probe per post (metric_series, newest first): PostgreSQL's LATERAL join, SQLite's correlated
# subquery (SQLite has no LATERAL; PostgreSQL would hash the whole table for the subquery's form).
_PROBE_TOTALS = """
SELECT COUNT(*) AS posts, COUNT(DISTINCT v.item_id) AS items,
       COALESCE(SUM(m.impressions), 0) AS reach, COALESCE(SUM(m.likes), 0) AS likes, COALESCE(SUM(m.shares), 0) AS shares,
       COALESCE(SUM(m.replies), 0) AS replies, COALESCE(SUM(m.clicks), 0) AS clicks,
       COALESCE(SUM(m.video_views), 0) AS video_views, COALESCE(SUM(m.watch_time_s), 0) AS watch_time_s,
       COALESCE(SUM(COALESCE(m.likes, 0) + COALESCE(m.shares, 0) + COALESCE(m.replies, 0) + COALESCE(m.clicks, 0)), 0)
           AS engagement,
       COALESCE(SUM(CASE WHEN m.impressions IS NOT NULL
                         THEN COALESCE(m.likes, 0) + COALESCE(m.shares, 0) + COALESCE(m.replies, 0) + COALESCE(m.clicks, 0)
                    END), 0) AS rated_engagement
FROM publishing_publication p
JOIN campaigns_variant v ON v.id = p.variant_id
JOIN campaigns_contentitem i ON i.id = v.item_id
{latest}
WHERE i.campaign_id = %(campaign)s AND p.state = %(published)s AND p.published_at IS NOT NULL
"""
PROBE_SQL = {
    "postgresql": _PROBE_TOTALS.format(
        latest="""LEFT JOIN LATERAL (
    SELECT * FROM publishing_metric l WHERE l.publication_id = p.id ORDER BY l.collected_at DESC, l.id DESC LIMIT 1
) m ON true"""
    ),
    "sqlite": _PROBE_TOTALS.format(
        latest="""LEFT JOIN publishing_metric m ON m.id = (
    SELECT l.id FROM publishing_metric l WHERE l.publication_id = p.id ORDER BY l.collected_at DESC, l.id DESC LIMIT 1
)"""
    ),
}


def _totals(sql: str, params: dict[str, object]) -> Totals:
    """One raw query's totals row."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return Totals.of(dict(zip(names, cursor.fetchone(), strict=True)))


def _migrate_sqlite() -> None:
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print(f"migrating {connection.settings_dict['NAME']}…")
        call_command("migrate", verbosity=0)


# Data ------------------------------------------------------------------------------------------


def seed() -> tuple[object, Campaign]:
    """The organisation, a manager, the campaign and its published posts with their series, once."""
    organisation = Organisation.objects.filter(slug=ORGANISATION["slug"]).first()
    if organisation is not None:
        campaign = Campaign.objects.filter(organisation=organisation).first()
        metrics = Metric.objects.filter(publication__account__organisation=organisation)
        if campaign is not None and metrics.count() == PUBLICATIONS * SNAPSHOTS:
            user = get_user_model().objects.get(username="bench-report-manager")
            return user, campaign
        print("incomplete earlier seeding: starting again")
        metrics.delete()
        Publication.objects.filter(account__organisation=organisation).delete()
        organisation.delete()
    print(f"seeding {PUBLICATIONS:,} publications and {PUBLICATIONS * SNAPSHOTS:,} metric snapshots…", flush=True)
    with transaction.atomic():
        return _seed()


def _seed() -> tuple[object, Campaign]:
    rng = random.Random(SEED)
    organisation = Organisation.objects.create(**ORGANISATION, languages=list(LANGUAGES))
    user, _ = get_user_model().objects.get_or_create(username="bench-report-manager")
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": Role.MANAGER})
    campaign = Campaign.objects.create(
        organisation=organisation, name="Winter respiratory season", start_date=START.date(),
        end_date=(START + dt.timedelta(days=DAYS - 1)).date(), hashtags=["#StayWell"],
    )  # fmt: skip
    CampaignTarget.objects.bulk_create([
        CampaignTarget(campaign=campaign, measure=CampaignTarget.Measure.REACH, target=80_000_000),
        CampaignTarget(campaign=campaign, measure=CampaignTarget.Measure.ENGAGEMENT, target=3_000_000),
        CampaignTarget(campaign=campaign, measure=CampaignTarget.Measure.ITEMS, target=1_000, kind="video"),
        CampaignTarget(campaign=campaign, measure=CampaignTarget.Measure.OUTCOME, target=5_000, label="vaccinations booked"),
    ])  # fmt: skip
    accounts = {
        platform: SocialAccount.objects.create(
            organisation=organisation, platform=platform, handle=f"@bench-report-{platform}",
            api_base_url="http://127.0.0.1:9/", connected_at=START,
        )
        for platform in Platform.values
    }  # fmt: skip
    items = ContentItem.objects.bulk_create(
        ContentItem(campaign=campaign, kind=kind, title=f"{kind.label} {n + 1}", state=ContentItem.State.PUBLISHED)
        for kind, count in ITEMS.items()
        for n in range(count)
    )
    variants = []
    for item in items:
        platforms = VIDEO_PLATFORMS if item.kind == ContentItem.Kind.VIDEO else Platform.values
        # Most items in every language, some in English and French, a few in English only.
        languages = rng.choices((LANGUAGES, LANGUAGES[:2], LANGUAGES[:1]), weights=(6, 3, 1))[0]
        variants += [Variant(item=item, platform=p, language=lang, text=f"{item.title} ({p}, {lang})")
                     for p in platforms for lang in languages]  # fmt: skip
    variants = Variant.objects.bulk_create(variants, batch_size=BATCH)
    publications = _publications(rng, variants, accounts)
    Publication.objects.bulk_create(publications, batch_size=BATCH)
    kinds = {item.pk: item.kind for item in items}
    batch = []
    for publication in publications:
        batch += _series(rng, publication, kinds[publication.variant.item_id])
        if len(batch) >= BATCH:
            Metric.objects.bulk_create(batch, batch_size=BATCH)
            batch = []
    Metric.objects.bulk_create(batch, batch_size=BATCH)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, so that both sides get the plan production would
    return user, campaign


def _publications(rng: random.Random, variants: list[Variant], accounts: dict[str, SocialAccount]) -> list[Publication]:
    """PUBLICATIONS posts at random working hours (07:00 to 21:00 UTC) over the six months, each on its variant's
    platform's account."""
    taken: set[tuple[int, dt.datetime]] = set()
    publications = []
    while len(publications) < PUBLICATIONS:
        variant = rng.choice(variants)
        at = START + dt.timedelta(days=rng.randrange(DAYS), hours=rng.randrange(7, 21), minutes=rng.randrange(60))
        if (variant.pk, at) in taken:  # one variant once per account and instant (a model constraint)
            continue
        taken.add((variant.pk, at))
        publications.append(Publication(
            variant=variant, account=accounts[variant.platform], scheduled_at=at, state=Publication.State.PUBLISHED,
            published_at=at + dt.timedelta(seconds=rng.randrange(1, 20)), attempts=1,
            remote_id=f"bench-{len(publications)}",
        ))  # fmt: skip
    return publications


def _series(rng: random.Random, publication: Publication, kind: str) -> Iterator[Metric]:
    """SNAPSHOTS growing snapshots of one post, approaching its final figures; the last one is the latest."""
    platform = publication.variant.platform
    video = kind == ContentItem.Kind.VIDEO
    if platform in NO_IMPRESSIONS:
        reach, likes = None, int(rng.lognormvariate(3.0, 0.8))
    else:
        reach = int(TYPICAL_REACH[platform] * rng.lognormvariate(0, 0.9) * (1.5 if kind == "alert" else 1))
        likes = int(reach * rng.uniform(0.01, 0.05))
    final = {
        "impressions": reach, "likes": likes, "shares": int(likes * rng.uniform(0.05, 0.3)),
        "replies": int(likes * rng.uniform(0.02, 0.15)),
        "clicks": None if platform in NO_IMPRESSIONS else int(reach * rng.uniform(0.002, 0.02)),
        "video_views": int(reach * rng.uniform(0.2, 0.5)) if video and reach else None,
    }  # fmt: skip
    final["watch_time_s"] = final["video_views"] * rng.randrange(6, 40) if final["video_views"] else None
    for slot, hours in enumerate(SNAPSHOT_HOURS):
        share = 1 - 0.5 ** (hours / 12) if slot < SNAPSHOTS - 1 else 1.0  # half of what it draws every 12 hours
        yield Metric(
            publication=publication, slot=slot, collected_at=publication.published_at + dt.timedelta(hours=hours),
            is_latest=slot == SNAPSHOTS - 1,
            **{name: None if value is None else int(value * share) for name, value in final.items()},
        )  # fmt: skip


# Timing ----------------------------------------------------------------------------------------


def timed(sides: tuple[Callable[[], object], ...], repeat: int) -> list[list[float]]:
    """Seconds per call of each side, taken in turns so that the machine's load weighs on all alike."""
    durations: list[list[float]] = [[] for _ in sides]
    for n in range(WARM_UP + repeat):
        for side, kept in zip(sides, durations, strict=True):
            start = time.perf_counter()
            side()
            elapsed = time.perf_counter() - start
            if n >= WARM_UP:
                kept.append(elapsed)
    return durations


def _ms(durations: list[float]) -> str:
    return f"median {statistics.median(durations) * 1000:8.1f} ms, best {min(durations) * 1000:8.1f} ms"


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
