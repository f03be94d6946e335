"""One error body for every refusal: `{"errors": [{"field": ..., "code": ..., "message": ...}]}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from campaigns.checks import ERROR
from campaigns.workflow import WorkflowError

NON_FIELD_KEYS = ("non_field_errors", "__all__")


def error(field: str | None, code: str, message: str) -> dict[str, Any]:
    return {"field": field, "code": code, "message": message}


def body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"errors": errors}


def handle_exception(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, with the project's refusals and one body shape."""
    if isinstance(exc, WorkflowError):
        return Response(body(workflow_errors(exc)), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        # A service's model validation (full_clean): per field, like a serializer's.
        exc = exceptions.ValidationError(as_serializer_error(exc))
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: a 500, reported as such
    if isinstance(exc, exceptions.ValidationError):
        response.data = body(list(_flatten(exc.get_full_details())))
    elif isinstance(exc, Http404):
        response.data = body([error(None, "not_found", "Not found.")])
    elif isinstance(exc, DjangoPermissionDenied):
        response.data = body([error(None, "permission_denied", str(exc) or "You may not do this.")])
    elif isinstance(exc, exceptions.APIException):
        response.data = body([error(None, str(exc.get_codes()), str(exc.detail))])
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404 view: under /api/, the error body rather than an HTML page (an address that names nothing)."""
    if request.path.startswith("/api/"):
        return JsonResponse(body([error(None, "not_found", "Not found.")]), status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)


def workflow_errors(refusal: WorkflowError) -> list[dict[str, Any]]:
    """The refusal itself, then the checks' blocking problems (field, rule, message) when it has any."""
    found = [error(None, refusal.code, refusal.message)]
    found += [
        error(problem.field, problem.rule, problem.message) for problem in refusal.problems if problem.severity == ERROR
    ]
    return found


def _flatten(details: Any, field: str | None = None) -> Any:
    if isinstance(details, dict) and {"message", "code"} <= set(details):
        yield error(field, str(details["code"]), str(details["message"]))
    elif isinstance(details, dict):
        for key, value in details.items():
            # A nested object's own non-field errors belong to the field that holds it.
            name = field if key in NON_FIELD_KEYS else (f"{field}.{key}" if field else str(key))
            yield from _flatten(value, name)
    elif isinstance(details, list):
        for index, value in enumerate(details):
            # A list of error dicts belongs to the field; a list of nested objects gets their index.
            nested = isinstance(value, dict) and not ({"message", "code"} <= set(value))
            yield from _flatten(value, f"{field}.{index}" if nested and field else field)


STATUS_CODES = {
    status.HTTP_400_BAD_REQUEST: "Invalid input (per field; `field` is null for the whole request).",
    status.HTTP_401_UNAUTHORIZED: "No token, or a wrong or revoked one.",
    status.HTTP_403_FORBIDDEN: "Your role may not do this.",
    status.HTTP_404_NOT_FOUND: "No such object in your organisations.",
    status.HTTP_409_CONFLICT: "The item is in the wrong state, or someone saved a newer version.",
    status.HTTP_422_UNPROCESSABLE_ENTITY: "The pre-publish checks found errors.",
    status.HTTP_429_TOO_MANY_REQUESTS: "Too many requests with this token: wait `Retry-After` seconds.",
}
