"""The sandbox platform: a small fake of a social platform's API, served by the project itself.

The platforms cannot be reached from development machines, CI or the demo, so every platform's
accounts can point to `/sandbox/<platform>/` instead. It stores what it receives (the timeline page
at `/sandbox/` shows it) and injects faults on demand. It is off when PLANNER_SANDBOX_ENABLED is false.

The dialect (JSON; every endpoint but the page and the token endpoint needs `Authorization: Bearer
<token>`, else 401 `{"error": "unauthorized"}`; an unknown platform is 404 `{"error": "unknown_platform"}`).
A token past the account's `token_expires_at`, or replaced by a refresh, is 401 `{"error":
"invalid_token", "error_description"}` with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3).
- `POST <platform>/oauth/token`, form-encoded (RFC 6749 §6, as Mastodon's /oauth/token):
  `grant_type=refresh_token&refresh_token=…` (`client_id`, `client_secret`, `scope` accepted; the
  client is not checked) → 200 `{"access_token", "token_type": "Bearer", "expires_in", "refresh_token",
  "scope", "created_at"}` (epoch s), `Cache-Control: no-store`. Both old tokens stop working. Refusals
  are 400 `{"error", "error_description"}` (RFC 6749 §5.2): `invalid_grant` (unknown or revoked
  refresh token), `unsupported_grant_type`, `invalid_request`, `invalid_scope`. It also takes
  `grant_type=authorization_code` with `code`, `redirect_uri` and the PKCE `code_verifier` (oauth.py).
- `GET|POST <platform>/oauth/authorize` (RFC 6749 §4.1.1 with PKCE S256 required): a consent page with
  "Authorize" and "Deny" that redirects back with `code` or `error=access_denied`, and the `state`;
  `POST mastodon/api/v1/apps` registers an app (Mastodon's CredentialApplication). See oauth.py.
  An account's first refresh token may also be set on its row (`SandboxAccount.refresh_token`).
- `POST <platform>/media`, multipart, a `file` part and `description`? (alt text), as Mastodon's
  POST /api/v2/media → 200 `{"id", "type": "image"|"gifv"|"video", "url": null, "description",
  "meta": {"original": {"width", "height", "size", "aspect"}}, "mime_type", "size_bytes", "sha256"}`.
  The type comes from the content (Pillow for JPEG, PNG, GIF, WebP; the container for MP4, MOV,
  WebM, whose dimensions are not measured); the file itself is not kept. 422 `unsupported_media`
  for anything else, `file_too_large` over 16 MB (images) or 99 MB (videos), `description_too_long`
  over 1,500 characters; 400 `invalid_request` without a `file` part.
- `POST <platform>/posts` `{"text", "link"?, "media"?: [{"id"} | {"url", "alt"?}], "reply_to"?}` → 201
  `{"id", "url", "created_at"}`. An `id` is an upload of the account not yet attached to a post
  (else 422 `{"error": "media_not_found", "ids"}`, as Mastodon); a `url` is taken as given. With an
  `Idempotency-Key` header already used by the account, the stored post instead, 200 (header
  `Idempotent-Replayed: true`), before any media check; 409 `post_deleted` if it was deleted. Text
  over the platform's limit (`publishing.platform_rules`) → 422 `{"error": "text_too_long", "limit"}`,
  more media than it takes → 422 `{"error": "too_many_media", "limit"}`.
- `GET <platform>/posts?idempotency_key=&since=` → `{"results": [{"id", "url", "created_at"}]}`:
  posts not deleted, oldest first, at most 100, received at or after `since`.
- `GET <platform>/posts/<id>` → the post; `DELETE` → 204, then 404 for it.
- `GET <platform>/posts/<id>/metrics` → `{"impressions", "likes", "shares", "replies", "clicks"}`,
  growing with the post's age, the same for the same post at the same age.
- `POST <platform>/faults` `{"kind", "remaining"?, "retry_after_s"?, "latency_ms"?, "applies_to"?}` → 201;
  `GET` lists the active ones; `DELETE` removes them all → 204.

A token is an account per platform, made on its first use there. Faults form a queue per account:
each request takes the oldest active fault that applies to it and consumes one of its `remaining`
uses (none: until removed). `applies_to` is "create" (POST /posts, the default), "media" (POST
/media), "token" (POST /oauth/token, the account found by its refresh token) or "all" (every
endpoint; `reject` only for "create" and "media", `drop_reply` only for "create"). The faults
endpoint itself is never affected. Kinds:
- `latency`: waits `latency_ms` (default 1000), then answers normally;
- `rate_limit`: 429 with `Retry-After` (`retry_after_s`, default 60) and `x-rate-limit-reset` (epoch s);
- `server_error`: 500 `{"error": "internal_error"}`, nothing stored;
- `unauthorized`: 401 `{"error": "token revoked"}`; on the token endpoint 401 `{"error": "invalid_client"}`;
- `reject`: 422 `{"error": "content_rejected"}`, nothing stored;
- `timeout`: nothing stored; waits `latency_ms` or settings.SANDBOX_TIMEOUT_SLEEP_S (35 s: longer
  than any client's read timeout), then 504 `{"error": "gateway_timeout"}`;
- `drop_reply`: stores the post (committed, so a lookup by idempotency key finds it), then waits as
  `timeout` does and answers 504. A client with a shorter timeout sees no answer, one with a longer
  timeout a 504: either way an unknown outcome, to reconcile with `GET posts?idempotency_key=`.
"""
