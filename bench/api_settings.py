"""Settings of the API benchmark (bench/api.py): the project's, production-like, plus the baseline's URLs.

The script and the gunicorn workers it starts both run on this module.
"""

from planner.settings import *  # noqa: F403

DEBUG = False
# The benchmark's one token makes thousands of requests a second: the per-token limit (600/min) would answer 429.
PLANNER_API_RATE = ""
ROOT_URLCONF = "bench.api_urls"
# Persistent connections, as a production server keeps them: without, every request would also pay for a new
# PostgreSQL backend (a fork), on the API's side and the baseline's alike.
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
