"""Checking real HTTP traffic against Meta's definitions: the SDK-codegen specs, and the Threads community file.

`GraphContract` records every request an httpx client sends and every reply it gets (event hooks: the
requests still go to the live sandbox). A request fails its check if it calls a node and edge the
definition does not have, sends a parameter the edge does not list, misses a required one, or sends a
value its declared type cannot hold; `fields=` must name fields of the node it reads. A reply fails if
it carries a field its return type does not have, or an error that is not Meta's error object.

Instagram and Facebook Pages: ../shared/specs/facebook/*.json (facebook/facebook-business-sdk-codegen `api_specs/specs/`):
`apis[]` gives each edge's method, parameters with types and required flags, and return type; the
type's own file gives its `fields[]`. Patches, as the specs README asks (not OpenAPI, read apis[]):
- the Graph API's own parameters, on every call and in no spec file: `fields` (field selection) and
  the paging `limit`, `after`, `before` (developers.facebook.com/docs/graph-api/results);
- a container (what POST /{ig-user-id}/media makes) is read as ShadowIGMediaBuilder, the spec of the IG
  Container node (id, status, status_code), though `apis[]` names IGMedia as POST media's return;
- ContentPublishingLimitResponse has no file: its reply's fields are checked against the Instagram
  reference (config, quota_usage); InsightsResult (a Page post's insights) has none either: unchecked;
- POST /{page-id}/photos answers {"id", "post_id"} (developers.facebook.com/docs/graph-api/reference/page/photos,
  return type), though Photo has no `post_id` field.
- GET /me on Instagram is read as IGUserForIGOnlyAPI (Instagram API with Instagram Login, the login the
  adapter connects with: `user_id`, `username`), though its edges are IGUser's (IGUserForIGOnlyAPI lacks
  media_publish and content_publishing_limit); GET /me/accounts on Facebook is the User's (a user token,
  at connect time: developers.facebook.com/docs/pages-api/getting-started#get-page-access-token);
- the token endpoints (GET /oauth/access_token on Facebook, /access_token and /refresh_access_token on
  Instagram and Threads) are in no codegen file: their replies are checked for {"access_token", "token_type",
  "expires_in"} (developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived,
  developers.facebook.com/docs/instagram-platform/reference/access_token).
Threads: ../shared/specs/community/threads-api-openapi.yml, names only (its README: low fidelity; the
Threads documentation is the authority). Patches from developers.facebook.com/docs/threads/posts:
POST /me/threads also takes image_url, video_url, is_carousel_item, children and alt_text, and
reply_to_id for a reply (docs/threads/retrieve-and-manage-replies/create-replies); GET /me/threads takes
since (docs/threads/retrieve-and-discover-posts); DELETE /{thread_id} exists (docs/threads/posts/delete-posts);
GET /access_token takes the short-lived `access_token` (docs/threads/get-started/long-lived-tokens). A user
id in the path is read as the file's `/me`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import yaml

from tests.contracts.openapi import GATEWAY_ANSWERS, SPECS

GRAPH_PARAMS = {"fields": "string", "limit": "unsigned int", "after": "string", "before": "string"}
VERSION = re.compile(r"v\d+\.\d+")
CONTAINER_NODE = "ShadowIGMediaBuilder"
# The node a user id names, and the one any other id names unless a reply said what it made.
NODES = {"instagram": ("IGUser", "IGMedia"), "facebook": ("Page", "PagePost")}
# What a POST edge makes: the reply's field → the node type of that id.
MADE = {
    "media": {"id": CONTAINER_NODE}, "photos": {"id": "Photo", "post_id": "PagePost"},
    "videos": {"id": "AdVideo"}, "feed": {"id": "PagePost"},
}  # fmt: skip
REPLY_EXTRAS = {("Page", "photos"): {"post_id"}}
PUBLISHING_LIMIT_FIELDS = {"config", "quota_usage"}
THREADS_PATCHES = {
    ("post", "/me/threads"): {"image_url", "video_url", "is_carousel_item", "children", "alt_text", "reply_to_id"},
    ("get", "/access_token"): {"access_token"},
    ("get", "/me/threads"): {"since"},
    ("delete", "/{thread_id}"): set(),
}
ERROR_FIELDS = {"message": str, "type": str, "code": int, "fbtrace_id": str}
TOKEN_REPLY = {"access_token": str, "token_type": str, "expires_in": int}
TOKEN_PATHS = (["refresh_access_token"], ["access_token"])
# The node a call reads where it is not the usual one (see the module's docstring).
OTHER_NODES = {("instagram", "get", None): "IGUserForIGOnlyAPI", ("facebook", "get", "accounts"): "User"}


@cache
def codegen(node: str) -> dict[str, Any] | None:
    """One node's codegen spec, None where the directory has no file for that type."""
    path = SPECS / "facebook" / f"{node}.json"
    return json.loads(path.read_text()) if path.exists() else None


@cache
def threads_paths() -> dict[tuple[str, str], set[str]]:
    """(method, path template) → the parameter names the community file lists, with the documented patches."""
    spec = yaml.safe_load((SPECS / "community" / "threads-api-openapi.yml").read_text())
    found = {
        (method, template.rstrip("/") or "/"): {p["name"] for p in operation.get("parameters", []) if p["in"] != "path"}
        for template, operations in spec["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict)
    }
    for key, extra in THREADS_PATCHES.items():
        found[key] = found.get(key, set()) | extra
    return found


def value_fits(kind: str, value: str) -> bool:
    """Whether a parameter's value, as sent on the wire, can be of the spec's type."""
    if kind == "bool":
        return value in ("true", "false")
    if kind == "unsigned int":
        return value.isdigit()
    if kind == "int":
        return re.fullmatch(r"-?\d+", value) is not None
    if kind == "datetime":
        return value.isdigit() or _iso(value)
    if kind.startswith("list<"):
        return all(item.strip() for item in value.split(",")) if not value.startswith("[") else _json(value, list)
    if kind in ("map", "Object"):
        return _json(value, dict)
    return True  # string, and the enums (their values are not in the files)


class GraphContract:
    """Every request an httpx client sends and every reply it gets, checked against Meta's definitions."""

    def __init__(self, platform: str, base_path: str, user_ids: set[str]) -> None:
        self.platform, self.base_path, self.user_ids = platform, base_path.rstrip("/") + "/", user_ids | {"me"}
        self.problems: list[str] = []
        self.calls: list[tuple[str, str, int]] = []
        self.kinds: dict[str, str] = {}

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(event_hooks={"response": [self.check]}, **kwargs)

    def check(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        url = urlsplit(str(request.url))
        parts = url.path.removeprefix(self.base_path).split("/")
        params = dict(parse_qsl(url.query)) | dict(parse_qsl(request.read().decode()))
        name = f"{request.method} {url.path}"
        self.calls.append((request.method, url.path, response.status_code))
        if parts in TOKEN_PATHS or parts[1:] == ["oauth", "access_token"]:
            if self.platform == "threads" and parts == ["access_token"]:
                problems = self._check_threads(request.method.lower(), ["access_token"], params, response, root=True)
                self.problems += [f"{name} ({response.status_code}): {p}" for p in problems]
            self.problems += [f"{name} ({response.status_code}): {p}" for p in self._check_token_reply(response)]
            return
        if not VERSION.fullmatch(parts[0]):
            self.problems.append(f"{name}: no Graph API version in the path")
            return
        check = self._check_threads if self.platform == "threads" else self._check_codegen
        for problem in check(request.method.lower(), parts[1:], params, response):
            self.problems.append(f"{name} ({response.status_code}): {problem}")

    def _check_codegen(self, method: str, parts: list[str], params: dict[str, str], reply: httpx.Response) -> list[str]:
        user_node, other_node = NODES[self.platform]
        node = user_node if parts[0] in self.user_ids else self.kinds.get(parts[0], other_node)
        edge = parts[1] if len(parts) > 1 else None
        if node == user_node:
            node = OTHER_NODES.get((self.platform, method, edge), node)
        api = next(
            (a for a in codegen(node)["apis"] if a["method"].lower() == method and a.get("endpoint") == edge), None
        )
        if api is None:
            return [f"{node} has no {method.upper()} {edge or '(the node itself)'}"]
        declared = {p["name"]: p for p in api.get("params", [])}
        problems = [
            f"parameter {n!r} is not in {node} {edge}" for n in params if n not in declared and n not in GRAPH_PARAMS
        ]
        problems += [
            f"required parameter {n!r} is missing" for n, p in declared.items() if p.get("required") and n not in params
        ]
        problems += [
            f"parameter {n}={v!r} is not a {declared[n]['type']}"
            for n, v in params.items()
            if n in declared and not value_fits(declared[n]["type"], v)
        ]
        returned = node if edge is None and method == "get" else api["return"]
        fields = self._fields_of(returned)
        if fields is not None and (unknown := set(params.get("fields", "").split(",")) - fields - {""}):
            problems.append(f"fields {sorted(unknown)} are not fields of {returned}")
        extras = REPLY_EXTRAS.get((node, edge or ""), set())
        made = MADE.get(edge or "", {}) if method == "post" and node == user_node else {}
        return problems + self._check_reply(reply, fields | extras if fields else fields, returned, made)

    def _check_threads(
        self, method: str, parts: list[str], params: dict[str, str], reply: httpx.Response, *, root: bool = False
    ) -> list[str]:
        user = parts[0] in self.user_ids
        template = "/me/" + "/".join(parts[1:]) if user else "/{thread_id}" + "".join(f"/{p}" for p in parts[1:])
        if user and len(parts) == 1:
            template = "/me"
        if root:  # an address without a version or a node: /access_token
            template = "/" + "/".join(parts)
        declared = threads_paths().get((method, template))
        if declared is None and not user and len(parts) == 1:
            declared = threads_paths().get((method, "/{container_id}"))
        if declared is None:
            return [f"the Threads definition has no {method.upper()} {template}"]
        problems = [f"parameter {n!r} is not in {template}" for n in params if n not in declared | set(GRAPH_PARAMS)]
        return problems + self._check_reply(reply, None, template, {})

    def _check_reply(
        self, reply: httpx.Response, fields: set[str] | None, returned: str, made: dict[str, str]
    ) -> list[str]:
        if reply.status_code in GATEWAY_ANSWERS:
            return []  # a proxy's answer in front of the server, not the platform's
        try:
            body = reply.json()
        except ValueError:
            return ["the reply is not JSON"]
        if reply.status_code >= 400:
            error = body.get("error") if isinstance(body, dict) else None
            if not isinstance(error, dict):
                return ["an error reply without Meta's error object"]
            return [
                f"error.{k} is not a {t.__name__}" for k, t in ERROR_FIELDS.items() if not isinstance(error.get(k), t)
            ]
        self.kinds |= {str(body[k]): node for k, node in made.items() if k in body}
        items = body["data"] if isinstance(body.get("data"), list) else [body]
        if fields is None:
            return []
        return [f"reply field {k!r} is not a field of {returned}" for item in items for k in item if k not in fields]

    @staticmethod
    def _check_token_reply(reply: httpx.Response) -> list[str]:
        if reply.status_code >= 400:
            error = (
                reply.json().get("error")
                if reply.headers.get("content-type", "").startswith("application/json")
                else None
            )
            return (
                []
                if isinstance(error, dict) and isinstance(error.get("code"), int)
                else ["a token error without Meta's error object"]
            )
        body = reply.json()
        return [
            f"token reply {k!r} is not a {t.__name__}" for k, t in TOKEN_REPLY.items() if not isinstance(body.get(k), t)
        ]

    @staticmethod
    def _fields_of(node: str) -> set[str] | None:
        if node == "ContentPublishingLimitResponse":
            return PUBLISHING_LIMIT_FIELDS
        spec = codegen(node)
        return {f["name"] for f in spec["fields"]} if spec else None


def _iso(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _json(value: str, kind: type) -> bool:
    try:
        return isinstance(json.loads(value), kind)
    except ValueError:
        return False
