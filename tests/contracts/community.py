"""Checking real HTTP traffic against LinkedIn's community definition (../shared/specs/community/linkedin-marketing-content.yml).

The file is a conversion of LinkedIn's Postman collection: its request bodies are string examples and it has no
response schemas, so (as ../shared/specs/README.md says) it is used for names only. `Contract` records every
request an httpx client sends (event hooks: the requests still go to the live sandbox) and checks its method
and path against the file's operations, its query parameters against the names the operation declares, the
version headers the operation declares as present, and a JSON body's top-level fields against the example's.

The file mixes paths with and without the `/rest` prefix of the versioned API: both are taken as one. Patches,
from LinkedIn's Posts API documentation (learn.microsoft.com/en-us/linkedin/marketing/community-management/
shares/posts-api), for what the collection lacks:
- `POST /rest/posts` takes the post fields of "Create a post" (the file's example is a document post);
- `GET /rest/posts` takes `q=author`, `author`, `count`, `sortBy` ("Find Posts by Authors");
- `DELETE /rest/posts/{urn}` takes the `X-RestLi-Method` header;
- `POST /rest/videos?action=finalizeUpload` takes `finalizeUploadRequest` (Videos API, "Finalize Video Upload");
- the upload URLs (`uploadUrl`, the file's `PUT /`) are any address an `initializeUpload` answered;
- comments, share statistics, social metadata and OpenID's userinfo, with the schemas of their replies and of
  LinkedIn's errors (linkedin_docs.py): those replies are checked too.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import jsonschema
import yaml

from tests.contracts import linkedin_docs
from tests.contracts.openapi import GATEWAY_ANSWERS, SPECS

VERSION_HEADERS = ("LinkedIn-Version", "X-Restli-Protocol-Version")
POST_FIELDS = {"author", "commentary", "visibility", "distribution", "content", "lifecycleState",
               "isReshareDisabledByAuthor", "contentLandingPage", "contentCallToActionLabel", "reshareContext"}  # fmt: skip
FIND_BY_AUTHOR = ("q", "author", "count", "sortBy", "start")


@cache
def linkedin() -> dict[str, Any]:
    """The file's operations as {(METHOD, path without /rest): operation}, patched as the module says."""
    spec = yaml.safe_load((SPECS / "community" / "linkedin-marketing-content.yml").read_text())
    operations: dict[tuple[str, str], dict[str, Any]] = {}
    for template, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict):
                operations.setdefault((method.upper(), "/" + template.removeprefix("/rest").strip("/")), operation)
    operations[("GET", "/posts")]["parameters"] += [{"name": name, "in": "query"} for name in FIND_BY_AUTHOR]
    delete = operations[("DELETE", "/posts/{encoded ugcPostUrn|shareUrn}")]
    delete["parameters"] = [*delete["parameters"], {"name": "X-RestLi-Method", "in": "header"}]
    for key, (parameters, reply) in linkedin_docs.OPERATIONS.items():
        operations[key] = {"parameters": parameters, "x-reply": reply}
    return operations


def _operation(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    relative = "/" + path.removeprefix("/rest").strip("/")
    for (verb, template), operation in sorted(linkedin().items(), key=lambda pair: "{" in pair[0][1]):
        if verb == method and re.fullmatch(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)), relative):
            return template, operation
    return None


class Contract:
    """Every request an httpx client sends, checked by name against LinkedIn's community definition."""

    def __init__(self, base_path: str) -> None:
        self.base_path = base_path.rstrip("/")
        self.problems: list[str] = []
        self.calls: list[tuple[str, str, int]] = []
        self.requests: list[httpx.Request] = []
        self.upload_urls: set[str] = set()

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(event_hooks={"response": [self.check]}, **kwargs)

    def check(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        url = urlsplit(str(request.url))
        self.calls.append((request.method, url.path, response.status_code))
        self.requests.append(request)
        relative = url.path.removeprefix(self.base_path)
        if relative.startswith("/oauth/"):
            return  # LinkedIn's OAuth server, not this API
        name = f"{request.method} {relative} ({response.status_code})"
        if request.method == "PUT" and str(request.url) in self.upload_urls:
            found: tuple[str, dict[str, Any]] | None = ("/", linkedin()[("PUT", "/")])
        else:
            found = _operation(request.method, relative)
        if found is None:
            self.problems.append(f"{name}: no operation of the community definition")
            return
        template, operation = found
        parameters = operation.get("parameters", [])
        query = {key for key, _ in parse_qsl(url.query, keep_blank_values=True)}
        if unknown := sorted(query - {p["name"] for p in parameters if p.get("in") == "query"}):
            self.problems.append(f"{name}: query parameters not in the definition: {unknown}")
        declared = {p["name"] for p in parameters if p.get("in") == "header"}
        if missing := [h for h in VERSION_HEADERS if h in declared and h not in request.headers]:
            self.problems.append(f"{name}: headers missing: {missing}")
        if request.headers.get("Content-Type", "").startswith("application/json"):
            self._check_body(name, template, operation, json.loads(request.read()))
        if "x-reply" in operation and response.status_code not in GATEWAY_ANSWERS:
            schema = operation["x-reply"] if response.is_success else linkedin_docs.ERROR
            try:
                jsonschema.Draft7Validator(schema).validate(response.json())
            except (ValueError, jsonschema.ValidationError) as error:
                self.problems.append(f"{name} response: {getattr(error, 'message', error)}"[:500])
        if response.is_success and "initializeUpload" in url.query:
            value = response.json()["value"]
            self.upload_urls |= (
                {value["uploadUrl"]} if "uploadUrl" in value else {i["uploadUrl"] for i in value["uploadInstructions"]}
            )

    def _check_body(self, name: str, template: str, operation: dict[str, Any], body: object) -> None:
        if template == "/posts":
            expected = POST_FIELDS
        elif template == "/socialActions/{urn}/comments":
            expected = linkedin_docs.COMMENT_FIELDS
        else:
            ref = operation["requestBody"]["content"]["*/*"]["schema"]["$ref"].rsplit("/", 1)[-1]
            expected = _example_fields(ref) | ({"finalizeUploadRequest"} if template == "/videos" else set())
        if unknown := sorted(set(body if isinstance(body, dict) else {}) - expected):
            self.problems.append(f"{name}: body fields not in the definition: {unknown}")


@cache
def _example_fields(schema: str) -> set[str]:
    """The top-level fields of a request body's example (a JSON string inside a string, as the conversion left it)."""
    spec = yaml.safe_load((SPECS / "community" / "linkedin-marketing-content.yml").read_text())
    example = json.loads(spec["components"]["schemas"][schema]["example"])
    example = json.loads(example) if example.lstrip().startswith('"') else example  # some are quoted twice
    return set(json.loads(re.sub(r"(?<![:\w])//[^\n]*", "", example)))  # and some carry // comments
