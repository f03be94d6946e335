"""Checking real HTTP traffic against a Google discovery document (../shared/specs/youtube.v3.discovery.json).

`Contract` records every request an httpx client sends and every reply it gets (event hooks: the requests
still go to the live sandbox) and checks them against the document: the method called (its HTTP method and
path, or its media upload path), every query parameter (declared by the method or among the document's
global parameters, of its type and enum, the required ones present), the JSON body against the method's
request schema and the reply against its response schema. The document's schemas are made strict: a field
a schema does not name fails, in requests and replies alike.

Patches, for what the document does not describe (none of it a defect):
- the resumable session (https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol):
  `PUT` on the upload path with `upload_id`, a 308 with `Range: bytes=0-N` or no body at all, and the
  final 200/201 answered with the method's response schema;
- Google's error body (https://developers.google.com/youtube/v3/docs/errors), which has no schema there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import jsonschema

from tests.contracts.openapi import GATEWAY_ANSWERS, SPECS

ERROR_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "additionalProperties": False,
            "required": ["code", "message", "errors"],
            "properties": {
                "code": {"type": "integer"},
                "message": {"type": "string"},
                "status": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["message", "domain", "reason"],
                        "properties": {name: {"type": "string"} for name in ("message", "domain", "reason", "location", "locationType")},
                        "additionalProperties": False,
                    },
                },
            },
        }
    },
}  # fmt: skip
SESSION_PARAMETERS = {"upload_id": {"type": "string", "location": "query"}}
RANGE = re.compile(r"bytes=0-\d+")


@dataclass(frozen=True)
class Method:
    name: str
    http_method: str
    parameters: dict[str, Any]
    request: str | None
    response: str | None
    upload: bool = False


@dataclass
class Discovery:
    document: dict[str, Any]
    methods: dict[tuple[str, str], Method] = field(default_factory=dict)

    def __post_init__(self) -> None:
        service = "/" + self.document["servicePath"]
        for resource, content in self.document["resources"].items():
            for name, method in content.get("methods", {}).items():
                found = Method(f"{resource}.{name}", method["httpMethod"], method.get("parameters", {}),
                               method.get("request", {}).get("$ref"), method.get("response", {}).get("$ref"))  # fmt: skip
                self.methods[(found.http_method, service + method["path"])] = found
                if upload := method.get("mediaUpload"):
                    path = upload["protocols"]["simple"]["path"]
                    self.methods[(found.http_method, path)] = Method(**{**found.__dict__, "upload": True})
                    session = {**found.__dict__, "upload": True, "parameters": found.parameters | SESSION_PARAMETERS}
                    self.methods[("PUT", path)] = Method(**session | {"http_method": "PUT", "request": None})

    def validate(self, instance: object, name: str) -> None:
        """Check `instance` against the named schema, made strict (the document's other schemas as its definitions)."""
        _validator(name, json.dumps(self.document["schemas"])).validate(instance)


@cache
def _validator(name: str, schemas: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator({"$ref": f"#/definitions/{name}", "definitions": _definitions(schemas)})


@cache
def _definitions(schemas: str) -> dict[str, Any]:
    return {name: _strict(schema) for name, schema in json.loads(schemas).items()}


def _strict(node: dict[str, Any]) -> dict[str, Any]:
    """A discovery schema as JSON Schema: $ref to definitions, objects closed unless they declare a map."""
    if "$ref" in node:
        return {"$ref": f"#/definitions/{node['$ref']}"}
    out: dict[str, Any] = {}
    kind = node.get("type")
    if kind in ("string", "boolean", "array", "object"):
        out["type"] = kind
    elif kind in ("integer", "number"):
        out["type"] = ["integer", "number"] if kind == "number" else "integer"
    if "enum" in node:
        out["enum"] = node["enum"]
    if kind == "array" and "items" in node:
        out["items"] = _strict(node["items"])
    if kind == "object":
        out["properties"] = {name: _strict(value) for name, value in node.get("properties", {}).items()}
        extra = node.get("additionalProperties")
        out["additionalProperties"] = _strict(extra) if isinstance(extra, dict) else False
    return out


@cache
def youtube() -> Discovery:
    return Discovery(json.loads((SPECS / "youtube.v3.discovery.json").read_text()))


class Contract:
    """Every request an httpx client sends and every reply it gets, checked against the discovery document."""

    def __init__(self, discovery: Discovery, base_path: str) -> None:
        self.discovery, self.base_path = discovery, base_path.rstrip("/")
        self.problems: list[str] = []
        self.calls: list[tuple[str, str, int]] = []
        self.requests: list[httpx.Request] = []

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client whose traffic is checked (it still goes over the network)."""
        return httpx.Client(event_hooks={"response": [self.check]}, **kwargs)

    def check(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        path = urlsplit(str(request.url)).path
        self.calls.append((request.method, path, response.status_code))
        self.requests.append(request)
        relative = path.removeprefix(self.base_path)
        if relative.startswith("/oauth/"):
            return  # the token endpoint is Google's OAuth server, not this API (RFC 6749 §6)
        method = self.discovery.methods.get((request.method, relative))
        name = f"{request.method} {relative} ({response.status_code})"
        if method is None:
            self.problems.append(f"{name}: no method of the discovery document")
            return
        for kind, check in (("request", self._check_request), ("response", self._check_response)):
            try:
                check(method, request, response)
            except (ValueError, jsonschema.ValidationError) as error:
                self.problems.append(f"{name} {kind}: {getattr(error, 'message', error)}"[:500])

    def _check_request(self, method: Method, request: httpx.Request, _response: httpx.Response) -> None:
        declared = method.parameters | self.discovery.document["parameters"]
        query = parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True)
        if unknown := sorted({name for name, _ in query} - set(declared)):
            raise ValueError(f"query parameters not in the discovery document: {unknown}")
        if missing := sorted(n for n, p in method.parameters.items() if p.get("required") and n not in dict(query)):
            raise ValueError(f"required query parameters missing: {missing}")
        for name, value in query:
            _check_parameter(name, value, declared[name])
        if method.http_method == "PUT" and method.upload:
            return  # the video's bytes
        body = request.read()
        if method.request is None:
            if body:
                raise ValueError(f"{method.name} takes no body")
            return
        self.discovery.validate(json.loads(body), method.request)

    def _check_response(self, method: Method, _request: httpx.Request, response: httpx.Response) -> None:
        status = response.status_code
        if status in GATEWAY_ANSWERS:
            return  # a proxy's answer in front of the server, not one the document describes
        if status >= 400:
            jsonschema.Draft7Validator(ERROR_SCHEMA).validate(response.json())
        elif status == 308:
            if response.content or ("Range" in response.headers and not RANGE.fullmatch(response.headers["Range"])):
                raise ValueError(f"a 308 has no body and a Range of bytes=0-N: {response.headers.get('Range')}")
        elif method.upload and response.request.method == "POST":
            if not response.headers.get("Location") or response.content:
                raise ValueError("the start of a resumable session answers its Location, and no body")
        elif method.response is None:
            if response.content:
                raise ValueError(f"{method.name} answers no body")
        else:
            self.discovery.validate(response.json(), method.response)


def _check_parameter(name: str, value: str, declared: dict[str, Any]) -> None:
    kind = declared.get("type", "string")
    values = value.split(",") if declared.get("repeated") else [value]
    for one in values:
        if kind == "boolean" and one not in ("true", "false"):
            raise ValueError(f"{name}={one!r} is not a boolean")
        if kind == "integer" and not re.fullmatch(r"-?\d+", one):
            raise ValueError(f"{name}={one!r} is not an integer")
        if kind == "integer" and not int(declared.get("minimum", -(2**63))) <= int(one) <= int(
            declared.get("maximum", 2**63)
        ):
            raise ValueError(f"{name}={one} is out of range")
        if "enum" in declared and one not in declared["enum"]:
            raise ValueError(f"{name}={one!r} is not one of {declared['enum']}")
