"""The sandbox answering Bluesky's XRPC at /sandbox/bluesky/xrpc/<nsid>, as a PDS does (shared/specs/bluesky/).

- `com.atproto.server.createSession` `{"identifier", "password"}` → `{"accessJwt", "refreshJwt", "handle",
  "did", "active"}`; any non-empty password is taken, and each identifier and password pair is one sandbox
  account (`session_account_token`). `refreshSession` (the refresh JWT as bearer) → the same shape, new tokens.
  Access JWTs last 2 hours, refresh JWTs 90 days, as the PDS's; an expired one is 400 `ExpiredToken`, one that
  is not ours 400 `InvalidToken` (the PDS's auth-verifier answers both with 400). A plain bearer token (the
  demo's and benchmarks' accounts) is taken as an access JWT of the account it names, as on the generic dialect.
- `com.atproto.repo.uploadBlob` (raw bytes) → `{"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType",
  "size"}}`, measured as `media.py` does; the CID is the content's (CIDv1, raw, sha-256), as the PDS's.
- `com.atproto.repo.createRecord` of an `app.bsky.feed.post` → `{"uri", "cid", "commit", "validationStatus"}`;
  stored as a SandboxPost (its payload the request body) under the `Idempotency-Key` header, else the record key. A record key already used is 500
  `InternalServerError`, as the PDS answers (its repository refuses the second write); one that is not a
  TID is 400 `InvalidRequest`, and so is a text over 300 graphemes or 3,000 bytes. Unlike a PDS, the sandbox
  keeps a deleted record's key taken.
- `com.atproto.repo.getRecord` → `{"uri", "cid", "value"}`, or 400 `RecordNotFound`; `deleteRecord` →
  `{"commit"}`, `{}` when there was nothing to delete; `com.atproto.identity.resolveHandle` → `{"did"}`.
  Unlike a PDS, getRecord also asks for the session: it looks in that account's repository.
Errors are `{"error", "message"}` (atproto.com/specs/xrpc#error-responses). The faults of `services.py` apply:
"token" to the session calls, "media" to uploadBlob, "create" to createRecord, "all" to every call; a rate
limit is 429 `RateLimitExceeded` with `ratelimit-limit`, `-remaining`, `-reset` (epoch s) and `-policy`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from publishing.adapters.atproto import TID, tid
from publishing.platform_rules import SCHEME_URL, rules_for
from publishing.sandbox import media as uploads
from publishing.sandbox import services
from publishing.sandbox.models import FaultKind, FaultScope, SandboxAccount, SandboxMedia, SandboxPost
from publishing.sandbox.services import NewPost, Refusal

PLATFORM = "bluesky"
POST = "app.bsky.feed.post"
# packages/pds/src/account-manager/helpers/auth.ts: access 120 minutes, refresh 90 days.
ACCESS_JWT_LIFETIME = dt.timedelta(minutes=120)
REFRESH_JWT_LIFETIME = dt.timedelta(days=90)
SESSION_SALT = "publishing.sandbox.bluesky.session"
BLOB_MAX_BYTES = 2_000_000  # lexicons/app/bsky/embed/images.json, image maxSize
RATE_LIMIT_PER_HOUR = 5_000  # the PDS's repo-write-hour points, for ratelimit-limit


class XrpcError(Exception):
    def __init__(self, status: int, error: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.headers = status, error, message, headers


def session_account_token(identifier: str, password: str) -> str:
    """The sandbox account token an identifier and password log in to (tests use it to inject faults)."""
    return "bsky-" + hashlib.sha256(f"{identifier}\n{password}".encode()).hexdigest()[:40]


def did_for(handle: str) -> str:
    """The sandbox's DID of a handle: every handle resolves, always to the same DID."""
    digest = base64.b32encode(hashlib.sha256(handle.encode()).digest()).decode().lower()
    return f"did:plc:{digest[:24]}"


def issue_session(token: str, handle: str, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """A session answer of createSession and refreshSession; `now` may be set to issue one already expired."""
    issued = (now or timezone.now()).timestamp()
    claims = {"sub": token, "handle": handle}

    def jwt(scope: str, lifetime: dt.timedelta) -> str:
        return signing.dumps(claims | {"scope": scope, "exp": issued + lifetime.total_seconds()}, salt=SESSION_SALT)

    return {
        "accessJwt": jwt("access", ACCESS_JWT_LIFETIME), "refreshJwt": jwt("refresh", REFRESH_JWT_LIFETIME),
        "handle": handle, "did": did_for(handle), "active": True,
    }  # fmt: skip


def xrpc(method: str, *, auth: str | None = "access", fault: FaultScope | None = None) -> Callable[..., Any]:
    """A view of one XRPC method: HTTP method, bearer session ("access" or "refresh"), faults, errors."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
        def answer(request: HttpRequest) -> HttpResponse:
            if request.method != method:
                raise XrpcError(400, "InvalidRequest", f"Incorrect HTTP method ({request.method}) expected {method}")
            account = _session(request, auth) if auth else None
            held = services.take_fault(account, fault) if account else None
            if held and held.kind != FaultKind.DROP_REPLY:
                _inject(held)
            return view(request, account, held) if auth else view(request)

        return answer

    return decorate


@xrpc("POST", auth=None)
def create_session(request: HttpRequest) -> HttpResponse:
    body = _body(request, "identifier", "password")
    identifier, password = str(body["identifier"]).removeprefix("@"), str(body["password"])
    if not password:
        raise XrpcError(401, "AuthenticationRequired", "Invalid identifier or password")
    account = _account(session_account_token(identifier, password))
    if held := services.take_fault(account, FaultScope.TOKEN):
        _inject(held)
    return JsonResponse(issue_session(account.token, identifier))


@xrpc("POST", auth="refresh", fault=FaultScope.TOKEN)
def refresh_session(request: HttpRequest, account: SandboxAccount, held: Any) -> HttpResponse:
    return JsonResponse(issue_session(account.token, request.session_handle))


@xrpc("POST", fault=FaultScope.MEDIA)
def upload_blob(request: HttpRequest, account: SandboxAccount, held: Any) -> HttpResponse:
    try:
        measured = uploads.check_upload(SimpleUploadedFile("blob", request.body), "")
    except Refusal as refusal:
        raise XrpcError(400, "InvalidRequest", json.dumps(refusal.body)) from refusal
    uploads.store_media(account, measured, "")
    cid = _cid(0x55, bytes.fromhex(measured.sha256))
    blob = {"$type": "blob", "ref": {"$link": cid}, "mimeType": measured.mime_type, "size": measured.size_bytes}
    return JsonResponse({"blob": blob})


@xrpc("POST", fault=FaultScope.CREATE)
def create_record(request: HttpRequest, account: SandboxAccount, held: Any) -> HttpResponse:
    body = _body(request, "repo", "collection", "record")
    did, record = _repo_did(request, body["repo"]), body["record"]
    rkey = body.get("rkey") or tid(time.time_ns() // 1000)
    if body["collection"] != POST or not isinstance(record, dict) or record.get("$type") != POST:
        raise XrpcError(400, "InvalidRequest", f"the sandbox stores {POST} records only")
    if not isinstance(rkey, str) or not TID.match(rkey):  # the post lexicon's key type is "tid"
        raise XrpcError(400, "InvalidRequest", f'Invalid record key for {POST}: Invalid TID string (got "{rkey}") at $')
    new = _check_post(account, record, body | {"rkey": rkey})
    if account.posts.filter(payload__rkey=rkey).exists():
        raise XrpcError(500, "InternalServerError", "Internal Server Error")  # as the PDS: the key is taken
    # Filed under the planner's Idempotency-Key where it sends one (Bluesky ignores the header), as on every
    # dialect, so that checks across platforms (tests/faults, bench) find each publication's post by its key.
    key = services.check_idempotency_key(request.headers.get("Idempotency-Key")) or rkey
    post, created = services.store_post(account, new, key)
    if not created:
        raise XrpcError(500, "InternalServerError", "Internal Server Error")
    for item in new.media:
        SandboxMedia.objects.filter(remote_id=item["id"]).update(description=item["alt"])
    if held and held.kind == FaultKind.DROP_REPLY:
        time.sleep(services.fault_sleep_s(held))  # stored and committed; the reply is what gets lost
        raise XrpcError(504, "UpstreamTimeout", "Gateway Timeout")
    commit = {"cid": _record_cid(post.payload), "rev": tid(time.time_ns() // 1000)}
    uri = f"at://{did}/{POST}/{rkey}"
    return JsonResponse({"uri": uri, "cid": _record_cid(record), "commit": commit, "validationStatus": "valid"})


@xrpc("GET", fault=FaultScope.ALL)
def get_record(request: HttpRequest, account: SandboxAccount, held: Any) -> HttpResponse:
    params = _params(request, "repo", "collection", "rkey")
    did = _repo_did(request, params["repo"])
    if (post := _find(account, params["collection"], params["rkey"])) is None:
        uri = f"at://{did}/{params['collection']}/{params['rkey']}"
        raise XrpcError(400, "RecordNotFound", f"Could not locate record: {uri}")
    value = post.payload["record"]
    return JsonResponse({"uri": f"at://{did}/{POST}/{post.payload['rkey']}", "cid": _record_cid(value), "value": value})


@xrpc("POST", fault=FaultScope.ALL)
def delete_record(request: HttpRequest, account: SandboxAccount, held: Any) -> HttpResponse:
    body = _body(request, "repo", "collection", "rkey")
    _repo_did(request, body["repo"])
    if (post := _find(account, body["collection"], body["rkey"])) is None:
        return JsonResponse({})  # "Delete a repository record, or ensure it doesn't exist"
    services.delete_post(account, post.remote_id)
    return JsonResponse({"commit": {"cid": _record_cid(body), "rev": tid(time.time_ns() // 1000)}})


@xrpc("GET", fault=FaultScope.ALL)
def resolve_handle(request: HttpRequest, account: SandboxAccount, held: Any) -> HttpResponse:
    return JsonResponse({"did": did_for(_params(request, "handle")["handle"])})


METHODS = {
    "com.atproto.server.createSession": create_session,
    "com.atproto.server.refreshSession": refresh_session,
    "com.atproto.repo.uploadBlob": upload_blob,
    "com.atproto.repo.createRecord": create_record,
    "com.atproto.repo.getRecord": get_record,
    "com.atproto.repo.deleteRecord": delete_record,
    "com.atproto.identity.resolveHandle": resolve_handle,
}


@csrf_exempt  # an API called with a bearer token, never by a browser form
def dispatch(request: HttpRequest, nsid: str) -> HttpResponse:
    if not settings.PLANNER_SANDBOX_ENABLED:
        return _error(XrpcError(404, "NotFound", "Not Found"))
    if nsid not in METHODS:
        return _error(XrpcError(501, "MethodNotImplemented", "Method Not Implemented"))
    try:
        return METHODS[nsid](request)
    except XrpcError as error:
        return _error(error)


urlpatterns = [path("<str:nsid>", dispatch)]


def _session(request: HttpRequest, scope: str) -> SandboxAccount:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise XrpcError(401, "AuthenticationRequired", "Authentication Required")
    try:
        claims = signing.loads(token.strip(), salt=SESSION_SALT)
    except signing.BadSignature:
        if scope == "refresh":
            raise XrpcError(400, "InvalidToken", "Token could not be verified") from None
        claims = {"sub": token.strip(), "scope": "access", "handle": "", "exp": float("inf")}
    if claims["scope"] != scope:
        raise XrpcError(400, "InvalidToken", "Bad token scope")
    if claims["exp"] <= time.time():
        raise XrpcError(400, "ExpiredToken", "Token has expired")
    request.session_handle = claims["handle"]
    return _account(claims["sub"])


def _account(token: str) -> SandboxAccount:
    try:
        return services.account_for(PLATFORM, token)
    except Refusal as refusal:
        description = str(refusal.body.get("error_description", "Token is invalid"))
        raise XrpcError(400, "ExpiredToken" if "expired" in description else "InvalidToken", description) from None


def _repo_did(request: HttpRequest, repo: object) -> str:
    """The DID of the repo a request names; a session may only name its own (the PDS: AuthRequiredError)."""
    if not isinstance(repo, str) or not repo:
        raise XrpcError(400, "InvalidRequest", "repo must be a handle or a DID")
    did = repo if repo.startswith("did:") else did_for(repo.removeprefix("@"))
    handle = getattr(request, "session_handle", "")
    if handle and did != did_for(handle):
        raise XrpcError(401, "AuthenticationRequired", "Authentication Required")
    return did


def _check_post(account: SandboxAccount, record: dict[str, Any], body: dict[str, Any]) -> NewPost:
    """The record checked as the post lexicon says, its image blobs found among the account's uploads."""
    text, rules = record.get("text"), rules_for(PLATFORM)
    if not isinstance(text, str) or not isinstance(record.get("createdAt"), str):
        raise XrpcError(400, "InvalidRequest", f'Invalid {POST} record: Record must have the property "text"')
    if (graphemes := rules.count(text)) > rules.text_limit:
        raise XrpcError(400, "InvalidRequest", f"Invalid {POST} record: grapheme too big "
                                               f"(maximum {rules.text_limit}, got {graphemes}) at $.record.text")  # fmt: skip
    if (size := len(text.encode())) > rules.byte_limit:
        raise XrpcError(400, "InvalidRequest", f"Invalid {POST} record: string too long "
                                               f"(maximum {rules.byte_limit}, got {size}) at $.record.text")  # fmt: skip
    images = (record.get("embed") or {}).get("images") or []
    if len(images) > rules.max_images:
        raise XrpcError(400, "InvalidRequest", f"Invalid {POST} record: embed/images must have at most 4 items")
    media = []
    for image in images:
        found = _blob(account, image.get("image") or {})
        if "alt" not in image:
            raise XrpcError(400, "InvalidRequest", f'Invalid {POST} record: image must have the property "alt"')
        media.append({"id": found.remote_id, "alt": str(image["alt"])})
    links = [m.group() for m in SCHEME_URL.finditer(text)]
    return NewPost(text=text, link=links[0] if links else "", media=media, reply_to="", payload=body)


def _blob(account: SandboxAccount, blob: dict[str, Any]) -> SandboxMedia:
    cid = (blob.get("ref") or {}).get("$link", "")
    digest = _cid_digest(cid)
    found = account.media.filter(sha256=digest, post__isnull=True).first() if digest else None
    if found is None:
        raise XrpcError(400, "InvalidRequest", f"Could not find blob: {cid}")
    if found.size_bytes > BLOB_MAX_BYTES:
        raise XrpcError(400, "InvalidRequest", f"This file is too large. It is {found.size_bytes} bytes but the "
                                               f"maximum size is {BLOB_MAX_BYTES} bytes.")  # fmt: skip
    return found


def _find(account: SandboxAccount, collection: object, rkey: object) -> SandboxPost | None:
    if collection != POST or not isinstance(rkey, str):
        return None
    return account.posts.filter(payload__rkey=rkey, deleted_at__isnull=True).first()


def _inject(fault: Any) -> None:
    """Raise the answer a fault imposes now, or return to go on (after its latency)."""
    if fault.kind in (FaultKind.LATENCY, FaultKind.TIMEOUT):
        time.sleep(services.fault_sleep_s(fault))
        if fault.kind == FaultKind.LATENCY:
            return
        raise XrpcError(504, "UpstreamTimeout", "Gateway Timeout")
    if fault.kind == FaultKind.RATE_LIMIT:
        # docs.bsky.app/docs/advanced-guides/rate-limits: the IETF draft's RateLimit headers, reset in epoch s.
        wait_s = services.DEFAULT_RETRY_AFTER_S if fault.retry_after_s is None else fault.retry_after_s
        headers = {"ratelimit-limit": str(RATE_LIMIT_PER_HOUR), "ratelimit-remaining": "0",
                   "ratelimit-reset": str(int(time.time()) + wait_s), "ratelimit-policy": f"{RATE_LIMIT_PER_HOUR};w=3600"}  # fmt: skip
        raise XrpcError(429, "RateLimitExceeded", "Rate Limit Exceeded", headers)
    if fault.kind == FaultKind.SERVER_ERROR:
        raise XrpcError(500, "InternalServerError", "Internal Server Error")
    if fault.kind == FaultKind.UNAUTHORIZED:
        raise XrpcError(401, "AuthenticationRequired", "Token has been revoked (sandbox fault)")
    raise XrpcError(400, "InvalidRequest", "the platform refused this content (sandbox fault)")


def _body(request: HttpRequest, *required: str) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise XrpcError(400, "InvalidRequest", "Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise XrpcError(400, "InvalidRequest", "Input must be an object")
    return _required(body, required, "Input")


def _params(request: HttpRequest, *required: str) -> dict[str, Any]:
    return _required(request.GET.dict(), required, "Params")


def _required(values: dict[str, Any], required: tuple[str, ...], what: str) -> dict[str, Any]:
    for name in required:
        if values.get(name) in (None, ""):
            raise XrpcError(400, "InvalidRequest", f'{what} must have the property "{name}"')
    return values


def _cid(codec: int, sha256: bytes) -> str:
    """A CIDv1 in base32 (atproto.com/specs/data-model#link-and-cid-formats): version, codec, sha-256 multihash."""
    return "b" + base64.b32encode(bytes([1, codec, 0x12, 0x20]) + sha256).decode().lower().rstrip("=")


def _cid_digest(cid: object) -> str | None:
    if not isinstance(cid, str) or not cid.startswith("b"):
        return None
    try:
        raw = base64.b32decode(cid[1:].upper() + "=" * (-len(cid[1:]) % 8))
    except ValueError:
        return None
    return raw[4:].hex() if raw[:1] == b"\x01" and raw[2:4] == b"\x12\x20" and len(raw) == 36 else None


def _record_cid(record: object) -> str:
    # A real PDS hashes the record's DAG-CBOR; the sandbox hashes its canonical JSON (codec dag-cbor all the same).
    return _cid(0x71, hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).digest())


def _error(error: XrpcError) -> JsonResponse:
    return JsonResponse({"error": error.error, "message": error.message}, status=error.status, headers=error.headers)
