"""Throughput and latency of the API's item and publication lists (10,000 rows each) under gunicorn, against a
minimal Django view that returns the same JSON from one query.

Run from the project root:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planner_bench_api .venv/bin/python bench/api.py \
        [--duration 15 --connections 4 --workers 4]

It creates and migrates the dedicated database if needed (its name must contain "bench"), seeds once an
organisation with 10,000 items (two variants each) and 10,000 publications with their latest metrics (and a
small organisation of 200 of each, to show the query count does not grow with the data), issues an API token,
checks in-process that the baseline's rows equal the API page's `results` and counts the queries of each list
at several pages and page sizes, then starts gunicorn on bench/api_settings.py and loads each endpoint with wrk
(N connections, N threads) from a second process. Goals (issue): p95 under 50 ms at 4 clients, at least 0.5 of
the baseline's requests per second, a constant query count per request.
"""

# ruff: noqa: E402 -- Django is set up before the project's modules are imported.
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project first on the path, before any import: bench/calendar.py would shadow the standard library's
# calendar, which urllib and email import.
sys.path[0] = str(ROOT)

import argparse
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.api_settings"

import django

django.setup()

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiToken
from api.tokens import issue_token
from bench.calendar import prepare_database
from bench.servers import free_address, spawn, stop, wait_until_it_asks_for_a_token
from campaigns.models import Campaign, ContentItem, Membership, Organisation, Role, Variant
from publishing.models import Metric, Publication, SocialAccount

GOAL_P95_MS, GOAL_RATIO = 50.0, 0.5
ROWS, SMALL_ROWS = 10_000, 200
BATCH = 2_000
ENDPOINTS = {"items": "/api/items/", "publications": "/api/publications/"}
BASELINES = {"items": "/bench/baseline/items/", "publications": "/bench/baseline/publications/"}
RUN_DIR = Path(tempfile.mkdtemp(prefix="bench-api-"))
# wrk's summary, from its `done` callback: requests, microseconds, latency percentiles (µs) and errors.
WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


# Data ------------------------------------------------------------------------------------------


def seed(slug: str, rows: int) -> object:
    """An organisation with `rows` items (variants on Mastodon and Bluesky) and `rows` publications, each with
    its latest metrics; its editor. Seeded once: found again by the slug and the counts."""
    organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": slug, "languages": ["en"]})
    user, _ = get_user_model().objects.get_or_create(username=f"{slug}-editor")
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": Role.EDITOR})
    items = ContentItem.objects.filter(campaign__organisation=organisation)
    publications = Publication.objects.filter(account__organisation=organisation)
    if items.count() == rows and publications.count() == rows:
        return user
    print(f"seeding {slug}: {rows} items, {2 * rows} variants, {rows} publications…", flush=True)
    Publication.objects.filter(account__organisation=organisation).delete()
    with override_settings(SIMPLE_HISTORY_ENABLED=False):  # no "deleted" history row per item
        items.delete()
    campaign, _ = Campaign.objects.get_or_create(
        organisation=organisation, name="Flu vaccination", defaults={"start_date": timezone.localdate()}
    )
    account, _ = SocialAccount.objects.get_or_create(
        organisation=organisation, platform="mastodon", handle=f"@{slug}", defaults={"api_base_url": "http://127.0.0.1:9/"}
    )  # fmt: skip
    now = timezone.now()
    new_items = ContentItem.objects.bulk_create(
        (ContentItem(
            campaign=campaign, title=f"Message {n}", brief="Who, what and why.", author=user,
            master_text=f"Message {n}: flu season is here, book your free vaccine today. #FluVaccine",
            state=ContentItem.State.PUBLISHED, planned_at=now,
        ) for n in range(rows)), batch_size=BATCH,
    )  # fmt: skip
    variants = Variant.objects.bulk_create(
        (Variant(item=item, platform=platform, language="en", text=item.master_text, link="https://example.org/flu")
         for item in new_items for platform in ("mastodon", "bluesky")), batch_size=BATCH,
    )  # fmt: skip
    new_publications = Publication.objects.bulk_create(
        (Publication(variant=variant, account=account, scheduled_at=now, published_at=now, created_by=user,
                     state=Publication.State.PUBLISHED, remote_id=str(n), remote_url=f"https://mastodon.example/@bench/{n}")
         for n, variant in enumerate(variants[::2])), batch_size=BATCH,
    )  # fmt: skip
    Metric.objects.bulk_create(
        (Metric(publication=p, slot=0, collected_at=now, impressions=None, likes=n % 97, shares=n % 13,
                replies=n % 7, clicks=None, is_latest=True)
         for n, p in enumerate(new_publications)), batch_size=BATCH,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user


def token_for(user: object) -> str:
    ApiToken.objects.filter(user=user, name="bench/api.py").delete()
    return issue_token(user, "bench/api.py")[1]


# In-process checks -----------------------------------------------------------------------------


def counted_get(client: Client, url: str, secret: str) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url, HTTP_AUTHORIZATION=f"Token {secret}")
    assert answer.status_code == 200, (url, answer.status_code, answer.content[:300])
    return answer.json(), len(queries)


def query_counts(client: Client, endpoint: str, secret: str, small_secret: str) -> dict[str, int]:
    """Queries per request of one list: pages 1 and 2 (by the cursor), three page sizes, and the small dataset."""
    counts = {}
    for warm in (secret, small_secret):  # a token's first use in a minute also writes last_used_at (one UPDATE)
        counted_get(client, endpoint, warm)
    first, counts["page 1"] = counted_get(client, endpoint, secret)
    _, counts["page 2 (cursor)"] = counted_get(client, first["next"], secret)
    for size in (10, 200):
        _, counts[f"page_size={size}"] = counted_get(client, f"{endpoint}?page_size={size}", secret)
    _, counts[f"{SMALL_ROWS} rows"] = counted_get(client, endpoint, small_secret)
    return counts


def same_rows(client: Client, name: str, secret: str, user_id: int) -> tuple[bool, int, int]:
    """Whether the baseline's rows equal the API page's `results`, and both bodies' sizes."""
    api = client.get(ENDPOINTS[name], HTTP_AUTHORIZATION=f"Token {secret}")
    baseline = client.get(f"{BASELINES[name]}?user={user_id}")
    return api.json()["results"] == baseline.json()["results"], len(api.content), len(baseline.content)


# Load ------------------------------------------------------------------------------------------


@contextmanager
def gunicorn(workers: int, threads: int) -> Iterator[str]:
    address = free_address()
    log = RUN_DIR / "gunicorn.log"
    command = [
        str(Path(sys.executable).parent / "gunicorn"), "planner.wsgi:application", "--bind", address,
        "--workers", str(workers), "--threads", str(threads), "--backlog", "256", "--log-level", "warning",
    ]  # fmt: skip
    process = spawn(command, log)
    try:
        wait_until_it_asks_for_a_token(f"http://{address}/api/items/", "gunicorn", log)
        yield f"http://{address}"
    finally:
        stop(process, timeout=20)


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds


def wrk(url: str, seconds: float, connections: int, headers: dict[str, str]) -> Load:
    script = RUN_DIR / "summary.lua"
    script.write_text(WRK_LUA)
    command = [shutil.which("wrk") or "/usr/bin/wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds:g}s",
               "--timeout", "10s", "-s", str(script), url]  # fmt: skip
    for name, value in headers.items():
        command[1:1] = ["-H", f"{name}: {value}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    fields = [int(v) for v in re.search(r"^BENCH (.*)$", out, re.MULTILINE).group(1).split()]
    requests, duration_us, p50, p95, p99, longest, status_errors, socket_errors = fields
    return Load(
        requests, duration_us / 1e6, p50 / 1e3, p95 / 1e3, p99 / 1e3, longest / 1e3, status_errors + socket_errors
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of load per endpoint (default 15)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections = threads (default 4)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker: 1 is sync, more gthread")
    parser.add_argument("--warm-up", type=float, default=3.0, help="seconds of load before each measure")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench/api.py needs PostgreSQL: set DATABASE_URL=postgres://…/planner_bench_api", file=sys.stderr)
        return 2
    if "bench" not in connection.settings_dict["NAME"]:
        print(f"Refusing to seed {connection.settings_dict['NAME']!r}: use a database whose name contains 'bench'.", file=sys.stderr)  # fmt: skip
        return 2
    prepare_database()
    user, small_user = seed("bench-api", ROWS), seed("bench-api-small", SMALL_ROWS)
    secret, small_secret = token_for(user), token_for(small_user)
    client = Client()
    ok = True
    counts = {}
    for name, endpoint in ENDPOINTS.items():
        same, api_bytes, baseline_bytes = same_rows(client, name, secret, user.pk)
        ok &= same
        print(f"{name}: baseline rows equal the API page's results: {'yes' if same else 'NO'} "
              f"({api_bytes:,} bytes from the API, {baseline_bytes:,} from the baseline)")  # fmt: skip
        counts[name] = query_counts(client, endpoint, secret, small_secret)
        constant = len(set(counts[name].values())) == 1
        ok &= constant
        print(f"  queries per request: {counts[name]} — constant: {'yes' if constant else 'NO'}")
    connection.close()  # the server's workers get the database to themselves

    print(f"\ngunicorn: {args.workers} workers × {args.threads} thread(s); wrk: {args.connections} connections, "
          f"{args.duration:g} s per endpoint; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; logs in {RUN_DIR}")  # fmt: skip
    rows = []
    with gunicorn(args.workers, args.threads) as base:
        for name in ENDPOINTS:
            sides = {}
            for side, url, headers in (
                ("api", f"{base}{ENDPOINTS[name]}", {"Authorization": f"Token {secret}"}),
                ("baseline", f"{base}{BASELINES[name]}?user={user.pk}", {}),
            ):
                wrk(url, args.warm_up, args.connections, headers)
                sides[side] = wrk(url, args.duration, args.connections, headers)
            rows.append((name, sides["api"], sides["baseline"]))
    print()
    print("| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | baseline req/s | baseline p95 ms | ratio | "
          "queries/request | goals met |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, api, baseline in rows:
        ratio = api.per_s / baseline.per_s
        constant = len(set(counts[name].values())) == 1
        met = api.p95_ms < GOAL_P95_MS and ratio >= GOAL_RATIO and constant and not api.errors
        ok &= not api.errors and not baseline.errors
        print(f"| {ENDPOINTS[name]} | {api.per_s:.1f} | {api.p50_ms:.1f} | {api.p95_ms:.1f} | {api.p99_ms:.1f} | "
              f"{api.errors} | {baseline.per_s:.1f} | {baseline.p95_ms:.1f} | {ratio:.2f} | "
              f"{counts[name]['page 1'] if constant else 'varies'} | {'yes' if met else 'NO'} "
              f"(p95 < {GOAL_P95_MS:g}: {'yes' if api.p95_ms < GOAL_P95_MS else 'no'}, ratio ≥ {GOAL_RATIO}: "
              f"{'yes' if ratio >= GOAL_RATIO else 'no'}, constant: {'yes' if constant else 'no'}) |")  # fmt: skip
    print(f"load average after the run: {os.getloadavg()[0]:.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
