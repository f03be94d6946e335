"""Checking real XRPC traffic against the AT Protocol lexicons in ../shared/specs/bluesky/.

A small validator for the lexicon types Bluesky's posting uses (atproto.com/specs/lexicon): object
(required, properties, and no property the lexicon does not name), string (maxLength and minLength in
UTF-8 bytes, maxGraphemes, format, enum, const), integer, boolean, array, blob (accept, maxSize), ref,
union (by `$type`), unknown, params, and record. `XrpcContract` records every request an httpx client
sends and every reply it gets (event hooks: the requests still go to the server) and checks each
against its method's lexicon: input, parameters, output, or the XRPC error shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import regex

from tests.contracts.openapi import SPECS

LEXICONS = SPECS / "bluesky"
GRAPHEME = regex.compile(r"\X")
# atproto.com/specs/lexicon#string-formats, simplified to their syntax.
HANDLE = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
DID = r"did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]"
NSID = r"[a-zA-Z](?:[a-zA-Z0-9-]{0,62})?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,62})?)+"
RECORD_KEY = r"(?!\.{1,2}$)[a-zA-Z0-9_~.:-]{1,512}"
FORMATS = {
    "did": regex.compile(DID),
    "handle": regex.compile(HANDLE),
    "at-identifier": regex.compile(f"{DID}|{HANDLE}"),
    "nsid": regex.compile(NSID),
    "record-key": regex.compile(RECORD_KEY),
    "tid": regex.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}"),
    "cid": regex.compile(r"[a-zA-Z0-9+=]{8,256}"),
    "at-uri": regex.compile(f"at://(?:{DID}|{HANDLE})(?:/{NSID}(?:/{RECORD_KEY})?)?"),
    "datetime": regex.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)"),
    "uri": regex.compile(r"[a-z][a-z0-9.+-]*:\S+"),
    "language": regex.compile(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*|[ix]-[a-zA-Z0-9-]+"),
}
# atproto.com/specs/xrpc#error-responses: names any method may answer besides its lexicon's own.
GENERIC_ERRORS = {
    "InvalidRequest", "ExpiredToken", "InvalidToken", "AuthenticationRequired", "Forbidden", "RateLimitExceeded",
    "InternalServerError", "MethodNotImplemented", "NotFound", "UpstreamFailure", "UpstreamTimeout", "NotEnoughResources",
}  # fmt: skip
# packages/pds src/actor-store/blob/transactor.ts: a record's blob reference not saying what was stored.
BLOB_REFERENCE_ERRORS = {"InvalidMimeType", "InvalidSize"}


@cache
def lexicon(nsid: str) -> dict[str, Any]:
    """The lexicon document of `nsid`."""
    return json.loads((LEXICONS / Path(*nsid.split("."))).with_suffix(".json").read_text())


def definition(ref: str, context: str) -> tuple[dict[str, Any], str]:
    """The definition a ref names ("#name" in `context`, "nsid#name" or "nsid"), and its document's nsid."""
    nsid, _, name = ref.partition("#")
    nsid = nsid or context
    return lexicon(nsid)["defs"][name or "main"], nsid


def check(value: Any, schema: dict[str, Any], context: str, at: str = "$") -> list[str]:
    """What in `value` the lexicon schema (in the document `context`) does not allow; empty if nothing."""
    kind = schema["type"]
    if kind == "ref":
        target, nsid = definition(schema["ref"], context)
        return check(value, target, nsid, at)
    if kind == "record":
        return check(value, schema["record"], context, at)
    if kind == "union":
        return _check_union(value, schema, context, at)
    if kind in ("object", "params"):
        return _check_object(value, schema, context, at)
    if kind == "array":
        if not isinstance(value, list):
            return [f"{at}: an array expected, got {value!r}"]
        problems = _bounds(len(value), schema, at, "items", "minLength", "maxLength")
        return problems + [
            p for i, item in enumerate(value) for p in check(item, schema["items"], context, f"{at}[{i}]")
        ]
    if kind == "string":
        return _check_string(value, schema, at)
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{at}: an integer expected, got {value!r}"]
        return _bounds(value, schema, at, "is the value:", "minimum", "maximum")
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{at}: a boolean expected, got {value!r}"]
    if kind == "blob":
        return _check_blob(value, schema, at)
    if kind == "unknown":
        return [] if isinstance(value, dict) else [f"{at}: an object expected, got {value!r}"]
    return [f"{at}: the validator does not know the lexicon type {kind!r}"]


def _check_object(value: Any, schema: dict[str, Any], context: str, at: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{at}: an object expected, got {value!r}"]
    properties = schema.get("properties", {})
    problems = [f"{at}: {name!r} is required" for name in schema.get("required", []) if name not in value]
    problems += [
        f"{at}: {name!r} is not in the lexicon" for name in value if name not in properties and name != "$type"
    ]
    for name, item in value.items():
        if name in properties and not (item is None and name in schema.get("nullable", [])):
            problems += check(item, properties[name], context, f"{at}.{name}")
    return problems


def _check_union(value: Any, schema: dict[str, Any], context: str, at: str) -> list[str]:
    if not isinstance(value, dict) or not isinstance(value.get("$type"), str):
        return [f"{at}: a union member needs its $type"]
    refs = {_full(ref, context): ref for ref in schema["refs"]}
    member = _full(value["$type"], context)
    if member not in refs:
        return [f"{at}: $type {value['$type']!r} is not one of {sorted(refs)}"]
    return check(value, {"type": "ref", "ref": refs[member]}, context, at)


def _full(ref: str, context: str) -> str:
    nsid, _, name = ref.partition("#")
    return f"{nsid or context}#{name or 'main'}"


def _check_string(value: Any, schema: dict[str, Any], at: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{at}: a string expected, got {value!r}"]
    problems = _bounds(
        len(value.encode()), schema, at, "bytes", "minLength", "maxLength"
    )  # lexicon lengths are UTF-8 bytes
    problems += _bounds(len(GRAPHEME.findall(value)), schema, at, "graphemes", "minGraphemes", "maxGraphemes")
    if (fmt := schema.get("format")) and not FORMATS[fmt].fullmatch(value):
        problems.append(f"{at}: {value!r} is not a valid {fmt}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{at}: {value!r} is not one of {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        problems.append(f"{at}: {value!r} is not {schema['const']!r}")
    return problems


def _check_blob(value: Any, schema: dict[str, Any], at: str) -> list[str]:
    shape = {"$type": str, "ref": dict, "mimeType": str, "size": int}
    if not isinstance(value, dict) or any(not isinstance(value.get(k), t) for k, t in shape.items()):
        return [f"{at}: a blob is {{$type, ref: {{$link}}, mimeType, size}}, got {value!r}"]
    problems = [] if value["$type"] == "blob" else [f"{at}: a blob's $type is 'blob'"]
    if not FORMATS["cid"].fullmatch(str(value["ref"].get("$link", ""))):
        problems.append(f"{at}.ref: $link is not a CID")
    accept = schema.get("accept")
    if accept and not any(
        value["mimeType"] == a or (a.endswith("/*") and value["mimeType"].startswith(a[:-1])) for a in accept
    ):
        problems.append(f"{at}: {value['mimeType']} is not accepted ({accept})")
    if "maxSize" in schema and value["size"] > schema["maxSize"]:
        problems.append(f"{at}: {value['size']} bytes is over maxSize {schema['maxSize']}")
    return problems


def _bounds(n: int, schema: dict[str, Any], at: str, unit: str, low: str, high: str) -> list[str]:
    problems = [f"{at}: {n} {unit} is under {low} {schema[low]}"] if low in schema and n < schema[low] else []
    return problems + (
        [f"{at}: {n} {unit} is over {high} {schema[high]}"] if high in schema and n > schema[high] else []
    )


@dataclass
class Exchange:
    method: str
    nsid: str
    params: dict[str, str | list[str]]  # a repeated parameter (an array, as getPosts' uris) as a list
    content_type: str
    body: bytes
    status: int
    reply: Any


class XrpcContract:
    """Records a client's XRPC traffic and checks it against the lexicons."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.others: list[httpx.Response] = []
        self.client = httpx.Client(event_hooks={"response": [self._record]})

    def _record(self, response: httpx.Response) -> None:
        request, url = response.request, urlsplit(str(response.request.url))
        response.read()  # and request.read() below: a body sent in chunks (a video) is read again from its file
        if "/xrpc/" not in url.path:
            self.others.append(response)  # a linked page or picture the adapter read for a card
            return
        try:
            reply = response.json()
        except ValueError:
            reply = response.text
        self.exchanges.append(Exchange(
            request.method, url.path.rpartition("/xrpc/")[2], _params(url.query),
            request.headers.get("Content-Type", ""), request.read(), response.status_code, reply,
        ))  # fmt: skip

    def problems(self) -> list[str]:
        """Every way a recorded request or reply departs from its lexicon."""
        return [f"{e.method} {e.nsid} ({e.status}): {p}" for e in self.exchanges for p in check_exchange(e)]

    def nsids(self) -> list[str]:
        return [e.nsid for e in self.exchanges]


def _params(query: str) -> dict[str, str | list[str]]:
    values: dict[str, list[str]] = {}
    for name, value in parse_qsl(query):
        values.setdefault(name, []).append(value)
    return {name: found[0] if len(found) == 1 else found for name, found in values.items()}


def _typed(params: dict[str, str | list[str]], schema: dict[str, Any]) -> dict[str, Any]:
    """The parameters as their lexicon types them: a parameter of array type is a list even if given once."""
    arrays = {name for name, p in schema.get("properties", {}).items() if p["type"] == "array"}
    return {name: [value] if name in arrays and isinstance(value, str) else value for name, value in params.items()}


def check_exchange(exchange: Exchange) -> list[str]:
    """What in one request and its reply the method's lexicon does not allow."""
    main = lexicon(exchange.nsid)["defs"]["main"]
    expected = "POST" if main["type"] == "procedure" else "GET"
    problems = [] if exchange.method == expected else [f"a {main['type']} is called with {expected}"]
    if main["type"] == "query":
        schema = main.get("parameters", {"type": "params"})
        problems += check(_typed(exchange.params, schema), schema, exchange.nsid, "params")
    elif (encoding := main.get("input", {}).get("encoding")) == "application/json":
        body = json.loads(exchange.body)
        problems += check(body, main["input"]["schema"], exchange.nsid, "input")
        if exchange.nsid == "com.atproto.repo.createRecord" and isinstance(body.get("record"), dict):
            problems += _check_record(body["collection"], body["record"])
    elif encoding and not exchange.content_type:
        problems.append(f"input ({encoding}) sent without a Content-Type")
    elif encoding is None and exchange.body:
        problems.append("the method takes no input, but a body was sent")
    if 200 <= exchange.status < 300:
        if "schema" in main.get("output", {}):
            problems += check(exchange.reply, main["output"]["schema"], exchange.nsid, "output")
        if exchange.nsid == "com.atproto.repo.getRecord" and isinstance(exchange.reply, dict):
            problems += _check_record(exchange.params["collection"], exchange.reply.get("value"))
        return problems
    declared = {e["name"] for e in main.get("errors", [])}
    if exchange.nsid in ("com.atproto.repo.createRecord", "com.atproto.repo.putRecord"):
        declared |= BLOB_REFERENCE_ERRORS
    return problems + _check_error(exchange.reply, declared)


def _check_record(collection: str, record: Any) -> list[str]:
    if not isinstance(record, dict) or record.get("$type") != collection:
        return [f"record: its $type must be the collection {collection!r}"]
    return check(record, lexicon(collection)["defs"]["main"], collection, "record")


def _check_error(reply: Any, declared: set[str]) -> list[str]:
    shape = {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    }
    problems = check(reply, shape, "", "error")
    if not problems and reply["error"] not in declared | GENERIC_ERRORS:
        problems.append(f"error: {reply['error']!r} is neither the method's nor a generic XRPC error")
    return problems
