"""The sandbox answering Bluesky's XRPC at /sandbox/bluesky/xrpc/<nsid>, as a PDS does (shared/specs/bluesky/).

- `com.atproto.server.createSession` `{"identifier", "password"}` → `{"accessJwt", "refreshJwt", "handle",
  "did", "active"}`; any non-empty password is taken, and each identifier and password pair is one sandbox
  account (`session_account_token`). `refreshSession` (the refresh JWT as bearer) → the same shape, new
  tokens. Sessions and errors: `bluesky_xrpc.py`.
- `com.atproto.repo.uploadBlob` (raw bytes) → `{"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType",
  "size"}}`, measured as `media.py` does (an image, or an MP4 for a video embed); the CID is the content's
  (CIDv1, raw, sha-256), as the PDS's.
- `com.atproto.repo.createRecord` of an `app.bsky.feed.post` (checked by `bluesky_records.py`) → `{"uri",
  "cid", "commit", "validationStatus"}`; stored as a SandboxPost (its payload the request body) under the
  `Idempotency-Key` header, else the record key. A record key already used is 500 `InternalServerError`,
  as the PDS answers (its repository refuses the second write); one that is not a TID is 400
  `InvalidRequest`. Unlike a PDS, the sandbox keeps a deleted record's key taken.
- `com.atproto.repo.getRecord` → `{"uri", "cid", "value"}`, or 400 `RecordNotFound`; `deleteRecord` →
  `{"commit"}`, `{}` when there was nothing to delete; `com.atproto.identity.resolveHandle` → `{"did"}`.
  Unlike a PDS, getRecord also asks for the session: it looks in that account's repository.
- `app.bsky.feed.getPosts?uris=…` (the AppView's, public: no session) → `{"posts": [postView]}` with the
  sandbox's counts as likeCount, repostCount, replyCount and quoteCount; a URI it does not have is left out.
The faults of `services.py` apply: "token" to the session calls, "media" to uploadBlob, "create" to
createRecord, "all" to every call; a rate limit is 429 `RateLimitExceeded` with `ratelimit-limit`,
`-remaining`, `-reset` (epoch s) and `-policy`.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from publishing.adapters.atproto import TID, tid
from publishing.sandbox import media as uploads
from publishing.sandbox import services, views
from publishing.sandbox.dialects.bluesky_records import POST, check_post, cid, record_cid
from publishing.sandbox.dialects.bluesky_xrpc import (
    PLATFORM,
    XrpcError,
    account_of,
    body,
    did_for,
    error_reply,
    inject,
    issue_session,
    params,
    session_account_token,
    xrpc,
)
from publishing.sandbox.models import FaultKind, FaultScope, SandboxAccount, SandboxMedia, SandboxPost
from publishing.sandbox.services import Refusal

GET_POSTS_MAX = 25  # lexicons/app/bsky/feed/getPosts.json, uris maxLength


@xrpc("POST", auth=None)
def create_session(request: HttpRequest) -> HttpResponse:
    login = body(request, "identifier", "password")
    identifier, password = str(login["identifier"]).removeprefix("@"), str(login["password"])
    if not password:
        raise XrpcError(401, "AuthenticationRequired", "Invalid identifier or password")
    account = account_of(session_account_token(identifier, password))
    inject(services.take_fault(account, FaultScope.TOKEN))
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
    blob = {"$type": "blob", "ref": {"$link": cid(0x55, bytes.fromhex(measured.sha256))},
            "mimeType": measured.mime_type, "size": measured.size_bytes}  # fmt: skip
    return JsonResponse({"blob": blob})


@xrpc("POST", fault=FaultScope.CREATE)
def create_record(request: HttpRequest, account: SandboxAccount, held: Any) -> HttpResponse:
    sent = body(request, "repo", "collection", "record")
    did, record = _repo_did(request, sent["repo"]), sent["record"]
    rkey = sent.get("rkey") or tid(time.time_ns() // 1000)
    if sent["collection"] != POST or not isinstance(record, dict) or record.get("$type") != POST:
        raise XrpcError(400, "InvalidRequest", f"the sandbox stores {POST} records only")
    if not isinstance(rkey, str) or not TID.match(rkey):  # the post lexicon's key type is "tid"
        raise XrpcError(400, "InvalidRequest", f'Invalid record key for {POST}: Invalid TID string (got "{rkey}") at $')
    new = check_post(account, record, sent | {"rkey": rkey})
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
    commit = {"cid": record_cid(post.payload), "rev": tid(time.time_ns() // 1000)}
    uri = f"at://{did}/{POST}/{rkey}"
    return JsonResponse({"uri": uri, "cid": record_cid(record), "commit": commit, "validationStatus": "valid"})


@xrpc("GET", fault=FaultScope.ALL)
def get_record(request: HttpRequest, account: SandboxAccount, held: Any) -> HttpResponse:
    asked = params(request, "repo", "collection", "rkey")
    did = _repo_did(request, asked["repo"])
    if (post := _find(account, asked["collection"], asked["rkey"])) is None:
        uri = f"at://{did}/{asked['collection']}/{asked['rkey']}"
        raise XrpcError(400, "RecordNotFound", f"Could not locate record: {uri}")
    value = post.payload["record"]
    return JsonResponse({"uri": f"at://{did}/{POST}/{post.payload['rkey']}", "cid": record_cid(value), "value": value})


@xrpc("POST", fault=FaultScope.ALL)
def delete_record(request: HttpRequest, account: SandboxAccount, held: Any) -> HttpResponse:
    sent = body(request, "repo", "collection", "rkey")
    _repo_did(request, sent["repo"])
    if (post := _find(account, sent["collection"], sent["rkey"])) is None:
        return JsonResponse({})  # "Delete a repository record, or ensure it doesn't exist"
    services.delete_post(account, post.remote_id)
    return JsonResponse({"commit": {"cid": record_cid(sent), "rev": tid(time.time_ns() // 1000)}})


@xrpc("GET", fault=FaultScope.ALL)
def resolve_handle(request: HttpRequest, account: SandboxAccount, held: Any) -> HttpResponse:
    return JsonResponse({"did": did_for(params(request, "handle")["handle"])})


@xrpc("GET", auth=None)
def get_posts(request: HttpRequest) -> HttpResponse:
    uris = request.GET.getlist("uris")
    if not uris or len(uris) > GET_POSTS_MAX:
        raise XrpcError(400, "InvalidRequest", f"uris must have 1 to {GET_POSTS_MAX} items")
    return JsonResponse({"posts": [_post_view(post) for uri in uris if (post := _posted(uri))]})


METHODS = {
    "com.atproto.server.createSession": create_session,
    "com.atproto.server.refreshSession": refresh_session,
    "com.atproto.repo.uploadBlob": upload_blob,
    "com.atproto.repo.createRecord": create_record,
    "com.atproto.repo.getRecord": get_record,
    "com.atproto.repo.deleteRecord": delete_record,
    "com.atproto.identity.resolveHandle": resolve_handle,
    "app.bsky.feed.getPosts": get_posts,
}


@csrf_exempt  # an API called with a bearer token, never by a browser form
def dispatch(request: HttpRequest, nsid: str) -> HttpResponse:
    if not settings.PLANNER_SANDBOX_ENABLED:
        return error_reply(XrpcError(404, "NotFound", "Not Found"))
    if nsid not in METHODS:
        return error_reply(XrpcError(501, "MethodNotImplemented", "Method Not Implemented"))
    try:
        return METHODS[nsid](request)
    except XrpcError as error:
        return error_reply(error)


urlpatterns = [path("<str:nsid>", dispatch)]


def _repo_did(request: HttpRequest, repo: object) -> str:
    """The DID of the repo a request names; a session may only name its own (the PDS: AuthRequiredError)."""
    if not isinstance(repo, str) or not repo:
        raise XrpcError(400, "InvalidRequest", "repo must be a handle or a DID")
    did = repo if repo.startswith("did:") else did_for(repo.removeprefix("@"))
    handle = getattr(request, "session_handle", "")
    if handle and did != did_for(handle):
        raise XrpcError(401, "AuthenticationRequired", "Authentication Required")
    return did


def _find(account: SandboxAccount, collection: object, rkey: object) -> SandboxPost | None:
    if collection != POST or not isinstance(rkey, str):
        return None
    return account.posts.filter(payload__rkey=rkey, deleted_at__isnull=True).first()


def _posted(uri: str) -> SandboxPost | None:
    """The live post an at:// URI names, in any sandbox account (the AppView sees every repository)."""
    did, _, rkey = uri.removeprefix("at://").partition(f"/{POST}/")
    found = SandboxPost.objects.filter(account__platform=PLATFORM, payload__rkey=rkey, deleted_at__isnull=True)
    return next((p for p in found if did in (p.payload["repo"], did_for(str(p.payload["repo"])))), None)


def _post_view(post: SandboxPost) -> dict[str, Any]:
    # lexicons/app/bsky/feed/defs.json#postView; a repo named by its DID has no handle here ("handle.invalid").
    repo, counts = str(post.payload["repo"]), services.metrics_for(post)
    did = repo if repo.startswith("did:") else did_for(repo.removeprefix("@"))
    author = {"did": did, "handle": "handle.invalid" if repo.startswith("did:") else repo.removeprefix("@")}
    return {
        "uri": f"at://{did}/{POST}/{post.payload['rkey']}", "cid": record_cid(post.payload["record"]),
        "author": author, "record": post.payload["record"], "indexedAt": views._instant(post.received_at),
        "likeCount": counts["likes"], "repostCount": counts["shares"], "replyCount": counts["replies"],
        "quoteCount": 0,
    }  # fmt: skip
