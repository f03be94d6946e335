"""What a load balancer or a monitor asks of each process: can it reach the database and the broker, is the
schema migrated? Each probe answers a Check, never raises: a probe that fails is the answer, not a 500."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

# A broker that does not answer within this is reported down rather than holding the probe.
BROKER_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "detail": self.detail}


def database() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.warning("health: the database is unreachable: %s", error)
        return Check(False, f"The database is unreachable: {type(error).__name__}.")
    return Check(True, f"{connections[DEFAULT_DB_ALIAS].vendor} answers.")


def broker() -> Check:
    from planner.celery import app

    try:
        with app.connection_for_write(connect_timeout=BROKER_TIMEOUT_S) as connection:
            connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_S)
            transport = connection.transport_cls
    except Exception as error:
        logger.warning("health: the broker is unreachable: %s", error)
        return Check(False, f"The broker is unreachable: {type(error).__name__}.")
    return Check(True, f"The broker ({transport}) answers.")


def migrations() -> Check:
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        logger.warning("readiness: the migrations could not be read: %s", error)
        return Check(False, f"The applied migrations could not be read: {type(error).__name__}.")
    if unapplied:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in unapplied[:5])
        more = f" and {len(unapplied) - 5} more" if len(unapplied) > 5 else ""
        return Check(False, f"{len(unapplied)} migration(s) not applied: {names}{more}. Run `manage.py migrate`.")
    return Check(True, "Every migration is applied.")


def readiness() -> tuple[bool, dict[str, Check]]:
    """Whether this web process may be sent requests: the database answers and its schema is this code's."""
    checks = {"database": database()}
    checks["migrations"] = migrations() if checks["database"].ok else Check(False, "Not checked: no database.")
    return all(check.ok for check in checks.values()), checks
