"""/health/ and /ready/: what load balancers and monitors ask, check by check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from planner.celery import app
from publishing.models import Heartbeat

ROOT = Path(__file__).resolve().parents[2]


def engine_alive() -> None:
    for name in ("dispatcher", "queue:publish", "queue:default"):
        Heartbeat.objects.create(name=name, beat_at=timezone.now())


def test_health_lists_each_check(db):
    engine_alive()

    response = Client().get(reverse("health"))

    checks = response.json()["checks"]
    assert response.status_code == 200
    assert set(checks) == {"database", "broker", "dispatcher", "queue:publish", "queue:default", "overdue"}
    assert all(check["ok"] for check in checks.values())
    assert checks["dispatcher"]["last_tick"] is not None
    assert "no-cache" in response["Cache-Control"]


def test_a_dispatcher_that_stopped_ticking_fails_its_check_only(db):
    engine_alive()
    Heartbeat.objects.filter(name="dispatcher").update(beat_at=timezone.now() - timezone.timedelta(minutes=2))

    response = Client().get(reverse("health"))

    checks = response.json()["checks"]
    assert response.status_code == 503
    assert [name for name, check in checks.items() if not check["ok"]] == ["dispatcher"]


@pytest.fixture
def broker_away(monkeypatch):
    """The broker's address pointed at a port where nothing listens, as when Redis is down (Celery reads the
    environment's CELERY_BROKER_URL before its configuration)."""
    away = "redis://127.0.0.1:9/0"
    monkeypatch.setenv("CELERY_BROKER_URL", away)
    saved = app.conf.broker_url
    app.conf.broker_url = away
    yield
    app.conf.broker_url = saved


def test_an_unreachable_broker_is_503_and_named(db, broker_away):
    engine_alive()

    response = Client().get(reverse("health"))

    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["broker"] == {"ok": False, "detail": "The broker is unreachable: OperationalError."}
    assert body["problems"][0] == "The broker is unreachable: OperationalError."
    assert body["checks"]["database"]["ok"] is True


def test_ready_when_the_database_answers_and_every_migration_is_applied(db):
    response = Client().get(reverse("ready"))

    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {
            "database": {"ok": True, "detail": response.json()["checks"]["database"]["detail"]},
            "migrations": {"ok": True, "detail": "Every migration is applied."},
        },
    }


PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client()
print(json.dumps({name: [r.status_code, r.json()] for name, r in (("health", client.get("/health/")), ("ready", client.get("/ready/")))}))
"""


def probe_in_a_process(tmp_path: Path, **env: str) -> dict[str, list]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    environment |= {"DJANGO_SETTINGS_MODULE": "planner.settings", "PLANNER_DATA_DIR": str(tmp_path), **env}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_database_that_does_not_answer_is_503_on_both(tmp_path):
    answers = probe_in_a_process(tmp_path, DATABASE_URL="postgres://planner@127.0.0.1:9/planner")

    (health_status, health), (ready_status, ready) = answers["health"], answers["ready"]
    assert health_status == 503 and ready_status == 503
    assert health["checks"]["database"] == {"ok": False, "detail": "The database is unreachable: OperationalError."}
    assert ready["checks"]["migrations"]["ok"] is False


def test_a_database_not_migrated_yet_is_not_ready(tmp_path):
    answers = probe_in_a_process(tmp_path)  # a new, empty SQLite database

    status, ready = answers["ready"]
    health_status, health = answers["health"]
    assert health_status == 503 and health["checks"]["engine"]["ok"] is False
    assert status == 503
    assert ready["checks"]["database"]["ok"] is True
    assert ready["checks"]["migrations"]["ok"] is False
    assert (
        "not applied" in ready["checks"]["migrations"]["detail"]
        and "manage.py migrate" in ready["checks"]["migrations"]["detail"]
    )
