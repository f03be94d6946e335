"""Shared fixtures: two organisations and the people the tests talk about."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import connection

from campaigns.models import Campaign, ContentItem, Organisation, Role, Variant
from publishing.models import SocialAccount
from tests import builders

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The worker started by the tests posts bursts to the sandbox: posting limits would only slow them.
UNLIMITED = json.dumps(
    {
        p: {"per_minute": 1e9, "burst": 1e9}
        for p in ("x", "facebook", "instagram", "threads", "linkedin", "youtube", "mastodon", "bluesky")
    }
)


@dataclass
class World:
    """Organisation A with one person per role and some content; organisation B with an outsider."""

    ministry: Organisation
    contributor: AbstractUser
    editor: AbstractUser
    manager: AbstractUser
    second_manager: AbstractUser
    admin: AbstractUser
    campaign: Campaign
    item: ContentItem
    variant: Variant
    account: SocialAccount
    clinic: Organisation
    outsider: AbstractUser
    clinic_campaign: Campaign
    clinic_item: ContentItem
    clinic_variant: Variant
    clinic_account: SocialAccount


@pytest.fixture
def world(db: None) -> World:
    ministry = builders.make_organisation("Ministry of Health")
    campaign = builders.make_campaign(ministry, "Flu vaccination")
    item = builders.make_item(campaign, "Get your flu jab")
    clinic = builders.make_organisation("Clinic B", languages=["en"])
    clinic_campaign = builders.make_campaign(clinic, "Clinic hand hygiene")
    clinic_item = builders.make_item(clinic_campaign, "Wash your hands")
    return World(
        ministry=ministry,
        contributor=builders.make_member(ministry, "carla.contributor", Role.CONTRIBUTOR),
        editor=builders.make_member(ministry, "eve.editor", Role.EDITOR),
        manager=builders.make_member(ministry, "mona.manager", Role.MANAGER),
        second_manager=builders.make_member(ministry, "max.manager", Role.MANAGER),
        admin=builders.make_member(ministry, "ada.admin", Role.ADMIN, is_staff=True),
        campaign=campaign,
        item=item,
        variant=builders.make_variant(item),
        account=builders.make_account(ministry),
        clinic=clinic,
        outsider=builders.make_member(clinic, "otto.outsider", Role.ADMIN, is_staff=True),
        clinic_campaign=clinic_campaign,
        clinic_item=clinic_item,
        clinic_variant=builders.make_variant(clinic_item),
        clinic_account=builders.make_account(clinic, handle="@clinic"),
    )


def _database_url() -> str:
    """The URL of the database the tests are using, for a worker process to use the same."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: None, django_db_blocker: object) -> Iterator[subprocess.Popen]:
    """A real Celery worker process on the configured broker, using the test database.

    Tests that use it need `transactional_db`, so that what they write is committed and visible.
    """
    env = {**os.environ, "DATABASE_URL": _database_url(), "PYTHONUNBUFFERED": "1", "PLANNER_RATE_LIMITS": UNLIMITED}
    hostname = f"test-worker-{os.getpid()}@localhost"
    log = open(settings.DATA_DIR / "test-worker.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "planner", "worker", "-Q", "default,publish",
         "--pool", "threads", "--concurrency", "4", "--loglevel", "INFO", "--hostname", hostname],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_until_ready(process, hostname)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_ready(process: subprocess.Popen, hostname: str, timeout_s: float = 60) -> None:
    from planner.celery import app

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the Celery worker exited with {process.returncode}; see test-worker.log in the data folder"
            )
        if app.control.ping(destination=[hostname], timeout=1.0):
            return
    raise RuntimeError("the Celery worker did not answer a ping in time; see test-worker.log in the data folder")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings: object, tmp_path: Path) -> None:
    """Uploads made by a test go to a folder of its own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """Each test starts with full posting buckets (they live in Redis, outside the test database)."""
    _empty_rate_limits()
    yield


def _empty_rate_limits() -> None:
    if settings.RATE_LIMIT_REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.RATE_LIMIT_REDIS_URL)
        keys = list(client.scan_iter("planner:ratelimit:*"))
        if keys:
            client.delete(*keys)
