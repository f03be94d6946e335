"""The Celery application; configuration comes from Django settings (CELERY_* names)."""

import os
from typing import Any

from celery import Celery, Task
from celery.signals import after_setup_logger, after_setup_task_logger, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")

app = Celery("planner")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def redact_secrets_in_worker_logs(logger: Any = None, **kwargs: Any) -> None:
    """Celery replaces the root logger's handlers with its own: they get the settings' redaction filter too."""
    from planner.redaction import RedactSecrets

    for handler in logger.handlers if logger is not None else ():
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets())


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender: Task | None = None, **kwargs: Any) -> None:
    """Around each task, Django's rule for a request: keep a database connection for CONN_MAX_AGE,
    drop it if it failed (or fails its health check), so a restarted database is reconnected to.

    Celery's Django fixup would instead close every connection before and after each task (its
    CELERY_DB_REUSE_MAX, set in settings, turns that off): a new PostgreSQL connection per send cost
    the publish worker more CPU than any query it runs (bench/README.md, dispatch_burst).
    """
    if sender is not None and getattr(sender.request, "is_eager", False):
        return  # run inline (tests): the caller's connection and transaction are not the task's to close
    from django.db import close_old_connections as close_if_unusable_or_obsolete

    close_if_unusable_or_obsolete()
