"""Settings of the publishing benchmarks (bench/dispatch_burst.py, bench/lag.py): the project's, plus what a benchmark needs.

The scripts, the sandbox web process and the Celery workers they start all run on this module, so
they agree on the database, the broker and the rate limits.
"""

from planner.settings import *  # noqa: F403
from planner.settings import CELERY_TASK_ROUTES
from publishing.platforms import Platform

# Production-like: no query log in every process, no debug pages.
DEBUG = False
# The limiter still runs (one Redis call per send), but never holds a post back.
PLANNER_RATE_LIMITS = {platform: {"per_minute": 1e9, "burst": 1e9} for platform in Platform.values}
# A 10,000 burst drains in about 3 minutes on 2 vCPUs: with the default 90 s, the dispatcher took the
# backlog's tail for lost and enqueued 4,280 of its messages a second time (harmless, the duplicate finds
# the row no longer queued, but ~2 % more work and 3.7 s dispatcher ticks). A lost message is not what
# these benchmarks measure; the fault tests keep the default.
PLANNER_QUEUED_STALE_AFTER_S = 600.0
# The baselines' tasks, on the same queue (so the same broker, pool and concurrency) as publish().
CELERY_IMPORTS = ("bench.tasks",)
CELERY_TASK_ROUTES = CELERY_TASK_ROUTES | {"bench.tasks.*": {"queue": "publish"}}

# The sandbox platform runs on its own SQLite file (bench/harness.py): a platform does not share the
# engine's PostgreSQL, and 64 posts in flight would otherwise need 64 more PostgreSQL connections
# (beside the workers' 64) than max_connections=100 allows. The script reads it through this alias.
if _sandbox_database := env.str("BENCH_SANDBOX_DATABASE", default=""):  # noqa: F405
    DATABASES["sandbox"] = env.db_url_config(_sandbox_database) | {  # noqa: F405
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
    }
