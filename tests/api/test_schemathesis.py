"""Requests generated from the OpenAPI schema, as each role: no 5xx, and every answer matches the schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.tokens import issue_token
from planner.wsgi import application
from tests.api.fuzzing import openapi_document, with_real_ids

ROLES = ["contributor", "editor", "manager", "admin"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# 74 operations x 4 roles: this many cases each keeps the whole run to about five minutes on two cores.
EXAMPLES_PER_OPERATION = 12

schema = schemathesis.openapi.from_dict(
    openapi_document(),
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}}),
)


@pytest.fixture
def wsgi_inside_the_test_transaction() -> Iterator[None]:
    """The bare WSGI handler closes the connection after each request, and with it the test's transaction;
    Django's test client unhooks the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def authorization(request, both_full, settings) -> dict[str, str]:
    # Hundreds of requests a minute on one token are the point here, not the rate limit's business.
    settings.PLANNER_API_RATE = ""
    _, secret = issue_token(getattr(both_full, request.param), f"{request.param}'s fuzzing token")
    return {"Authorization": f"Token {secret}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
def test_every_answer_matches_the_schema_and_none_is_a_server_error(
    case, authorization, wsgi_inside_the_test_transaction
):
    with_real_ids(case)

    case.call_and_validate(headers=authorization, checks=CHECKS, app=application)
