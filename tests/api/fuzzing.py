"""What the schema-driven tests share: the OpenAPI document, and ids of rows that exist."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Model
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from schemathesis import Case


def openapi_document() -> dict[str, Any]:
    """The schema /api/schema/ serves, built without a request (tests are collected before any database exists)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    # Through JSON, as it is served: the generator's output holds lazy translations and other non-JSON types.
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


def with_real_ids(case: Case) -> None:
    """Point half of the generated integer ids at rows that exist, in any organisation.

    Random integers almost never name a row, so without this only the 404 branch of a detail route, and the
    400 of a body that names a related row, are reached. Another organisation's rows are in the pool: they
    must be refused like missing ones.
    """
    if case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = _real_id(_model_behind(case.path), case.path_parameters["id"])
    if isinstance(case.body, dict):
        for field, value in case.body.items():
            # A body's related row is named like its resource: `item` is one of /api/items/.
            model = _model_behind(f"/api/{field}s/{{id}}/")
            if model is not None:
                case.body[field] = _real_id(model, value)


def _real_id(model: type[Model], generated: Any) -> Any:
    if not isinstance(generated, int) or isinstance(generated, bool) or generated % 2:
        return generated
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    return pks[generated // 2 % len(pks)] if pks else generated


def _model_behind(path_template: str) -> type[Model] | None:
    try:
        view = resolve(path_template.replace("{id}", "1")).func.cls
    except Resolver404:
        return None
    return getattr(view, "model", None) or view.serializer_class.Meta.model
