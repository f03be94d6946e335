"""Shared fixtures: two organisations and the people the tests talk about."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractUser

from campaigns.models import Campaign, ContentItem, Organisation, Role, Variant
from publishing.models import SocialAccount
from tests import builders, processes


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


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: None, django_db_blocker: object) -> Iterator[subprocess.Popen]:
    """A real Celery worker process on the configured broker, using the test database.

    Tests that use it need `transactional_db`, so that what they write is committed and visible.
    """
    hostname = f"test-worker-{os.getpid()}@localhost"
    log = settings.DATA_DIR / "test-worker.log"
    log.write_text("")
    process = processes.start_worker(hostname, log, processes.engine_env())
    try:
        processes.wait_for_line(process, log, "ready.")
        yield process
    finally:
        processes.stop(process)


# A public address (example.com's): names the tests resolve to it are never sent anything.
PUBLIC_ADDRESS = "93.184.215.14"


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Names under `.example` (RFC 2606, never in DNS) resolve to a public address, as a receiver's real
    name would, or to what the test puts in the returned dict; other names resolve as usual."""
    answers: dict[str, str] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: object, port: object, *args: object, **kwargs: object) -> list:
        if isinstance(host, str) and (host in answers or host.endswith(".example")):
            address = answers.get(host, PUBLIC_ADDRESS)
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port or 0))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def loopback_reachable(settings: object) -> None:
    """The sandbox and the tests' receivers listen on loopback: the outbound guard (planner/outbound.py) lets
    them be whatever DEBUG says; its own tests (tests/publishing/test_outbound_guard.py) turn it on."""
    settings.PLANNER_BLOCK_PRIVATE_ADDRESSES = False


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


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache (what adapters read of each account: limits, quotas)."""
    from django.core.cache import cache

    cache.clear()


# Meta's sandbox holds a lost reply this long; the Graph adapters' tests give up on it sooner.
GRAPH_LOST_REPLY_HELD_S = 2.0


@pytest.fixture
def graph_sandbox(settings: object, live_server: object) -> None:
    """Meta fetches our signed media addresses: in the tests, from the live server that also runs the sandbox."""
    from django.core.cache import cache

    settings.SANDBOX_TIMEOUT_SLEEP_S = GRAPH_LOST_REPLY_HELD_S
    settings.PLANNER_PUBLIC_BASE_URL = live_server.url
    cache.clear()


# Under pytest-xdist (scripts/test), tests that share one of these run in the same process, one after another:
# one Celery worker serves all the worker tests, and the PDS keeps its fixed port in its network namespace.
SHARED_BY_MARKER = {"worker": "engine", "pds": "pds"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests with a real worker run last: until then no worker consumes the messages other tests enqueue
    (a notification, a reconcile), so none is handled while a test's tables are being flushed."""
    items.sort(key=lambda item: item.get_closest_marker("worker") is not None)
    for item in items:
        for marker, group in SHARED_BY_MARKER.items():
            if item.get_closest_marker(marker) is not None:
                item.add_marker(pytest.mark.xdist_group(group))
                break


def pytest_sessionstart(session: pytest.Session) -> None:
    """The French and Arabic pages need their .mo files, which are built, not committed (people/catalogues.py)."""
    from people.catalogues import compile_catalogues

    compile_catalogues()
