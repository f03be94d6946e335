"""Checking real HTTP traffic against a platform's OpenAPI definition in ../shared/specs/.

`Contract` records every request an httpx client sends and every reply it gets (event hooks on the
client: the requests still go to the live sandbox) and validates both with openapi-core. A request
fails its check if it sends a body field or query parameter the definition does not have, misses a
required one, or calls an operation the definition does not document.

The definitions are loaded with the small patches listed in ../shared/specs/README.md, plus the few
named in `patch_mastodon` and `patch_x` that the README does not list yet.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

# What a reverse proxy answers when the server behind it does not (the sandbox's timeout faults).
GATEWAY_ANSWERS = {502, 504}
SPECS = Path(os.environ.get("PLANNER_SPECS_DIR", Path(__file__).resolve().parents[3] / "shared" / "specs"))


def patch_mastodon(spec: dict[str, Any]) -> dict[str, Any]:
    """The Mastodon definition with its known defects patched, and request bodies made strict."""
    _drop_null_defaults(spec)  # README: one integer has default: 'null'
    paths = spec["paths"]
    create = paths["/api/v1/statuses"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    body["anyOf"] = body.pop("oneOf")  # README: text plus media matches TextStatus and MediaStatus both
    for parameter in create["parameters"]:
        if parameter["name"] == "Idempotency-Key":
            # Not in the README: the header is declared `type: object`; its description says any string.
            parameter["schema"] = {"type": "string"}
    upload = paths["/api/v2/media"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    upload["properties"]["file"] = {}  # README: the binary `file` fails body validation: skip that property
    token = paths["/oauth/token"]["post"]["requestBody"]["content"]["application/json"]
    # Not in the README: the definition has only the authorization_code and client_credentials grants;
    # the refresh grant (RFC 6749 §6) is what Doorkeeper, Mastodon's OAuth server, answers with rotated tokens.
    refresh = {
        "type": "object",
        "properties": {
            "grant_type": {"const": "refresh_token"},
            "refresh_token": {"type": "string"},
            "client_id": {"type": "string"},
            "client_secret": {"type": "string"},
            "scope": {"type": "string"},
        },
        "required": ["grant_type", "refresh_token"],
    }
    token["schema"] = {"anyOf": [token["schema"], refresh]}
    for operation in (op for item in paths.values() for op in item.values() if isinstance(op, dict)):
        for content in operation.get("requestBody", {}).get("content", {}).values():
            # Ours, not a defect: the definition leaves bodies open; a field it does not name must fail.
            # (A plain object keeps its shape: openapi-core decodes multipart parts by its properties.)
            if "properties" in content["schema"]:
                content["schema"]["additionalProperties"] = False
            else:
                content["schema"] = {"allOf": [content["schema"]], "unevaluatedProperties": False}
    return spec


def _drop_null_defaults(node: object) -> None:
    if isinstance(node, dict):
        if node.get("default") == "null" and "integer" in (node.get("type") or ()):
            del node["default"]
        for value in node.values():
            _drop_null_defaults(value)
    elif isinstance(node, list):
        for value in node:
            _drop_null_defaults(value)


@cache
def _mastodon_spec() -> str:
    return json.dumps(patch_mastodon(json.loads((SPECS / "mastodon.openapi.json").read_text())))


def patch_x(spec: dict[str, Any]) -> dict[str, Any]:
    """The X definition with its known defects patched, the refresh grant added, and request bodies made strict."""
    _dedupe_item_enums(spec)  # README: two enums under `items` hold duplicate values
    components = spec["components"]
    # Not in the README: the definition renames the live API's `tweet.fields` to `post.fields`; X documents and
    # answers `tweet.fields` (docs.x.com/x-api/fundamentals/fields). Its response fields are left as they are.
    components["parameters"]["PostFieldsParameter"]["name"] = "tweet.fields"
    # Not in the README: X answers HTTP-level refusals (401, 403 duplicate content, 429) as RFC 9457 problems
    # of type about:blank ({"type", "title", "detail", "status"}), which the definition's typed Problem
    # (a oneOf on `type`) does not admit; X's own SDKs type Problem as just that (docs.x.com/xdks, Schemas.Problem).
    problem = components["schemas"]["Problem"]
    generic = {
        "type": "object",
        "required": ["type", "title"],
        "properties": {"type": {"type": "string", "enum": ["about:blank"]}, "title": {"type": "string"},
                       "detail": {"type": "string"}, "status": {"type": "integer"}},
    }  # fmt: skip
    components["schemas"]["Problem"] = {"anyOf": [*problem["oneOf"], generic]}
    # Not in the README: the token endpoint is only named (securitySchemes.OAuth2UserToken.tokenUrl); its refresh
    # grant as documented at docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token.
    oauth_error = {"type": "object", "required": ["error"],
                   "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}}}  # fmt: skip
    spec["paths"]["/2/oauth2/token"] = {
        "post": {
            "operationId": "refreshToken",
            "security": [],
            "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
                "type": "object", "required": ["grant_type", "refresh_token"],
                "properties": {"grant_type": {"type": "string", "enum": ["refresh_token"]},
                               "refresh_token": {"type": "string"}, "client_id": {"type": "string"}},
            }}}},
            "responses": {
                "200": {"description": "New tokens", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["token_type", "access_token"],
                    "properties": {"token_type": {"type": "string"}, "expires_in": {"type": "integer"},
                                   "access_token": {"type": "string"}, "scope": {"type": "string"},
                                   "refresh_token": {"type": "string"}},
                }}}},
                "default": {"description": "An OAuth error", "content": {"application/json": {"schema": oauth_error}}},
            },
        }
    }  # fmt: skip
    append = spec["paths"]["/2/media/upload/{id}/append"]["post"]["requestBody"]["content"]
    # As Mastodon's `file`: openapi-core cannot check a binary multipart part, and it leaves a part's text
    # uncast: the segment stays required, its index a whole number from 0 to 999 as text.
    append["multipart/form-data"]["schema"] = {
        "type": "object", "required": ["media", "segment_index"], "additionalProperties": False,
        "properties": {"media": {}, "segment_index": {"type": "string", "pattern": "^[0-9]{1,3}$"}},
    }  # fmt: skip
    for operation in (op for item in spec["paths"].values() for op in item.values() if isinstance(op, dict)):
        for content in operation.get("requestBody", {}).get("content", {}).values():
            # Ours, not a defect: a body field the definition does not name must fail.
            schema = content["schema"]
            if "$ref" in schema:
                schema = components["schemas"][schema["$ref"].rsplit("/", 1)[1]]
            if "properties" in schema:
                schema["additionalProperties"] = False
    return spec


def _dedupe_item_enums(node: object) -> None:
    if isinstance(node, dict):
        items = node.get("items")
        if isinstance(items, dict) and isinstance(items.get("enum"), list):
            items["enum"] = list(dict.fromkeys(items["enum"]))
        for value in node.values():
            _dedupe_item_enums(value)
    elif isinstance(node, list):
        for value in node:
            _dedupe_item_enums(value)


@cache
def _x_spec() -> str:
    return json.dumps(patch_x(json.loads((SPECS / "x-api-v2.openapi.json").read_text())))


@dataclass(frozen=True)
class Definition:
    """A loaded definition: the openapi-core validators, and its paths to look operations up."""

    openapi: OpenAPI
    paths: dict[str, Any]
    base_path: str
    # components.parameters, for the operations that name their parameters by $ref
    parameters: dict[str, Any] = field(default_factory=dict)

    def operation(self, method: str, path: str) -> dict[str, Any]:
        """The operation a request path calls (literal paths before templated ones), {} if none."""
        relative = path.removeprefix(self.base_path)
        for template in sorted(self.paths, key=lambda t: ("{" in t, t)):
            if re.fullmatch(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)), relative):
                return self.paths[template].get(method, {})
        return {}


@cache
def mastodon(server_url: str) -> Definition:
    """The patched Mastodon definition, served at `server_url` (the sandbox's /sandbox/mastodon)."""
    spec = json.loads(_mastodon_spec())
    spec["servers"] = [{"url": server_url.rstrip("/")}]
    return Definition(OpenAPI.from_dict(spec), spec["paths"], urlsplit(server_url).path.rstrip("/"))


@cache
def x(server_url: str) -> Definition:
    """The patched X API v2 definition, served at `server_url` (the sandbox's /sandbox/x)."""
    spec = json.loads(_x_spec())
    spec["servers"] = [{"url": server_url.rstrip("/")}]
    path = urlsplit(server_url).path.rstrip("/")
    # X's refusals are application/problem+json (RFC 9457), which openapi-core does not read as JSON by itself.
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    openapi = OpenAPI.from_dict(spec, config=config)
    return Definition(openapi, spec["paths"], path, spec["components"].get("parameters", {}))


class _Request:
    """An httpx request as openapi-core reads one."""

    def __init__(self, request: httpx.Request) -> None:
        url = urlsplit(str(request.url))
        self.host_url, self.path = f"{url.scheme}://{url.netloc}", url.path
        self.method = request.method.lower()
        self.body = request.read() or None
        self.content_type = request.headers.get("Content-Type", "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qs(url.query)), header=Headers(dict(request.headers))
        )


class _Response:
    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.content_type = response.headers.get("Content-Type", "")
        self.headers = Headers(dict(response.headers))
        self.data = response.content or None


class Contract:
    """Every request an httpx client sends and every reply it gets, checked against a definition."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.problems: list[str] = []
        self.calls: list[tuple[str, str, int]] = []
        self.requests: list[httpx.Request] = []  # as sent, for what the definition cannot say (an auth header)

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client whose traffic is checked (it still goes over the network)."""
        return httpx.Client(event_hooks={"response": [self.check]}, **kwargs)

    def check(self, response: httpx.Response) -> None:
        response.read()
        request, reply = _Request(response.request), _Response(response)
        name = f"{request.method.upper()} {request.path}"
        self.calls.append((request.method.upper(), request.path, response.status_code))
        self.requests.append(response.request)
        for kind, validate in (("request", self._check_request), ("response", self._check_response)):
            try:
                validate(request, reply)
            except Exception as error:  # openapi-core raises many types; every one is a failed check
                detail = "; ".join(_messages(error))
                self.problems.append(f"{name} ({response.status_code}) {kind}: {type(error).__name__}: {detail}")

    def _check_request(self, request: _Request, _reply: _Response) -> None:
        self.definition.openapi.validate_request(request)
        # openapi-core lets any query parameter through: one the operation does not declare fails here.
        parameters = self.definition.operation(request.method, request.path).get("parameters", [])
        named = self.definition.parameters
        parameters = [named[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in parameters]
        declared = {p["name"] for p in parameters if p.get("in") == "query"}
        if unknown := sorted(set(request.parameters.query) - declared):
            raise ValueError(f"query parameters not in the definition: {unknown}")

    def _check_response(self, request: _Request, reply: _Response) -> None:
        if reply.status_code in GATEWAY_ANSWERS:
            return  # a proxy's answer in front of the server, not one the definition describes
        self.definition.openapi.validate_response(request, reply)


def _messages(error: BaseException) -> list[str]:
    """The schema errors behind an openapi-core error (they hang on its cause), else its own message."""
    while error.__cause__ is not None and not getattr(error, "schema_errors", None):
        error = error.__cause__
    return [str(e.message)[:300] for e in getattr(error, "schema_errors", None) or []] or [str(error)[:300]]
