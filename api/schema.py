"""The OpenAPI schema's shared parts: the error body under every error status an operation can answer."""

from __future__ import annotations

from typing import Any

from api.errors import STATUS_CODES

ERROR_BODY = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True, "description": "Null for the whole request."},
                    "code": {"type": "string", "description": "Stable, e.g. `wrong_state`, `required`."},
                    "message": {"type": "string", "description": "A sentence for a person."},
                },
                "required": ["field", "code", "message"],
            },
        }
    },
    "required": ["errors"],
}
READ_STATUSES = (401, 404, 429)
# A list's filters are checked: a wrong value (not a number, not a choice) is a 400.
QUERY_STATUSES = (400,)
WRITE_STATUSES = (400, 401, 403, 404, 409, 422, 429)


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """A drf-spectacular postprocessing hook: document the error body once, and refer to it everywhere."""
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorBody"] = ERROR_BODY
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            statuses = READ_STATUSES if method == "get" else WRITE_STATUSES
            if method == "get" and any(parameter.get("in") == "query" for parameter in operation.get("parameters", [])):
                statuses = QUERY_STATUSES + statuses
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(str(status), {"description": STATUS_CODES[status], "content": reference})
    return result
