"""Each pytest-xdist process takes a data folder and Redis databases of its own (planner/test_processes.py)."""

from __future__ import annotations

from pathlib import Path

from planner.test_processes import shifted_redis_database, take_own_services


def test_the_second_process_takes_the_next_pair_of_redis_databases_and_a_data_folder_of_its_own() -> None:
    environ = {
        "PYTEST_XDIST_WORKER": "gw1",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "PLANNER_CACHE_URL": "redis://127.0.0.1:6379/1",
        "PLANNER_DATA_DIR": "/srv/planner",
    }
    take_own_services(environ, Path("/unused"))
    assert environ["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/2"
    assert environ["PLANNER_CACHE_URL"] == "redis://127.0.0.1:6379/3"
    assert environ["PLANNER_DATA_DIR"] == "/srv/planner/gw1"


def test_what_a_process_chose_is_inherited_by_the_processes_it_starts_not_shifted_again() -> None:
    environ = {"PYTEST_XDIST_WORKER": "gw2", "CELERY_BROKER_URL": "redis://localhost/0"}
    take_own_services(environ, Path("/var/planner"))
    child = dict(environ)
    take_own_services(child, Path("/var/planner"))
    assert child["CELERY_BROKER_URL"] == environ["CELERY_BROKER_URL"] == "redis://localhost/4"
    assert child["PLANNER_DATA_DIR"] == "/var/planner/gw2"


def test_outside_pytest_xdist_nothing_changes() -> None:
    environ = {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}
    take_own_services(environ, Path("/var/planner"))
    assert environ == {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}


def test_only_redis_addresses_are_shifted_and_their_options_kept() -> None:
    assert shifted_redis_database("redis://:secret@cache:6380/3?socket_timeout=5", 2) == (
        "redis://:secret@cache:6380/5?socket_timeout=5"
    )
    assert shifted_redis_database("redis://127.0.0.1:6379", 2) == "redis://127.0.0.1:6379/2"
    assert shifted_redis_database("filesystem://", 2) == "filesystem://"
    assert shifted_redis_database("amqp://guest@localhost//", 2) == "amqp://guest@localhost//"
