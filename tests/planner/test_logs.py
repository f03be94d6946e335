"""Structured logs (planner/logs.py): one JSON object a line, the publication's id on each line of its handling."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from planner import logs
from publishing.models import Publication
from publishing.tasks import publish
from tests import builders


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the configured console handler writes (its filter included), as PLANNER_LOG_FORMAT=json writes it."""
    handler = next(
        h for h in logging.getLogger().handlers if isinstance(h.filters[0:1] and h.filters[0], logs.ContextFilter)
    )
    stream, formatter = io.StringIO(), handler.formatter
    previous = handler.setStream(stream)
    handler.setFormatter(logs.JsonFormatter())
    yield stream
    handler.setStream(previous)
    handler.setFormatter(formatter)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_line_is_one_json_object_with_its_fields_extras_and_traceback(json_lines):
    try:
        raise ValueError("the platform said no")
    except ValueError:
        logging.getLogger("publishing.sending").exception("send failed", extra={"platform": "mastodon"})

    (line,) = lines(json_lines)
    assert line["level"] == "ERROR" and line["logger"] == "publishing.sending" and line["message"] == "send failed"
    assert line["platform"] == "mastodon" and line["publication_id"] is None
    assert "ValueError: the platform said no" in line["exception"]
    assert line["time"].endswith("+00:00")


def test_lines_logged_while_a_publication_is_handled_carry_its_id(json_lines):
    with logs.publication(42):
        logging.getLogger("publishing.adapters.x").warning("rate limited")
    logging.getLogger("publishing.adapters.x").warning("after")

    assert [(line["message"], line["publication_id"]) for line in lines(json_lines)] == [
        ("rate limited", 42),
        ("after", None),
    ]


def test_the_publish_task_sets_the_id_for_its_run(world, json_lines):
    publication = builders.make_publication(world.variant, world.account)  # scheduled, not handed over yet
    assert publication.state == Publication.State.SCHEDULED

    publish.apply(args=[publication.pk])
    logging.getLogger("publishing").info("between tasks")

    mine = [
        (line["message"], line["publication_id"])
        for line in lines(json_lines)
        if line["logger"].startswith("publishing")
    ]
    assert mine == [
        ("publish: nothing to send (not queued any more)", publication.pk),
        ("between tasks", None),
    ]
