"""Celery tasks of the publishing engine: thin, take ids, safe to run twice."""

import socket

from celery import shared_task
from django.utils import timezone

from publishing.models import Heartbeat


@shared_task
def record_heartbeat(source: str) -> str:
    """Record that `source` reached a worker now; returns the worker's host name."""
    host = socket.gethostname()
    Heartbeat.objects.update_or_create(name=source, defaults={"beat_at": timezone.now(), "detail": host})
    return host
