"""A task goes through the configured broker to a real worker process and back."""

import pytest

from publishing.models import Heartbeat
from publishing.tasks import record_heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("celery_worker_process")]


def test_a_task_makes_the_round_trip_through_a_real_worker(transactional_db: None) -> None:
    result = record_heartbeat.delay("round-trip-test")

    host = result.get(timeout=30)

    beat = Heartbeat.objects.get(name="round-trip-test")
    assert beat.detail == host
    assert host


def test_tasks_on_the_publish_queue_are_consumed_too(transactional_db: None) -> None:
    result = record_heartbeat.apply_async(("publish-queue-test",), queue="publish")

    assert result.get(timeout=30)
    assert Heartbeat.objects.filter(name="publish-queue-test").exists()
