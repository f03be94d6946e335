"""The sandbox platform: a small fake of a social platform's API, served by the project itself.

The platforms cannot be reached from development machines, CI or the demo, so every platform's
accounts can point to `/sandbox/<platform>/` instead. It stores what it receives (the timeline page
at `/sandbox/` shows it) and injects faults on demand. It is off when PLANNER_SANDBOX_ENABLED is false.

The dialect (JSON; every endpoint but the page needs `Authorization: Bearer <token>`, else 401
`{"error": "unauthorized"}`; an unknown platform is 404 `{"error": "unknown_platform"}`):
- `POST <platform>/posts` `{"text", "link"?, "media"?: [{"url"|"id", "alt"?}], "reply_to"?}` → 201
  `{"id", "url", "created_at"}`. With an `Idempotency-Key` header already used by the account, the
  stored post instead, 200 (header `Idempotent-Replayed: true`); 409 `post_deleted` if it was deleted.
  Text over the platform's limit (`publishing.platform_rules`) → 422 `{"error": "text_too_long", "limit"}`.
- `GET <platform>/posts?idempotency_key=&since=` → `{"results": [{"id", "url", "created_at"}]}`:
  posts not deleted, oldest first, at most 100, received at or after `since`.
- `GET <platform>/posts/<id>` → the post; `DELETE` → 204, then 404 for it.
- `GET <platform>/posts/<id>/metrics` → `{"impressions", "likes", "shares", "replies", "clicks"}`,
  growing with the post's age, the same for the same post at the same age.
- `POST <platform>/faults` `{"kind", "remaining"?, "retry_after_s"?, "latency_ms"?, "applies_to"?}` → 201;
  `GET` lists the active ones; `DELETE` removes them all → 204.

A token is an account per platform, made on its first use there. Faults form a queue per account:
each request takes the oldest active fault that applies to it and consumes one of its `remaining`
uses (none: until removed). `applies_to` is "create" (POST /posts, the default) or "all" (every
posts endpoint; not for `reject` and `drop_reply`). The faults endpoint itself is never affected. Kinds:
- `latency`: waits `latency_ms` (default 1000), then answers normally;
- `rate_limit`: 429 with `Retry-After` (`retry_after_s`, default 60) and `x-rate-limit-reset` (epoch s);
- `server_error`: 500 `{"error": "internal_error"}`, nothing stored;
- `unauthorized`: 401 `{"error": "token revoked"}`;
- `reject`: 422 `{"error": "content_rejected"}`, nothing stored;
- `timeout`: nothing stored; waits `latency_ms` or settings.SANDBOX_TIMEOUT_SLEEP_S (35 s: longer
  than any client's read timeout), then 504 `{"error": "gateway_timeout"}`;
- `drop_reply`: stores the post (committed, so a lookup by idempotency key finds it), then waits as
  `timeout` does and answers 504. A client with a shorter timeout sees no answer, one with a longer
  timeout a 504: either way an unknown outcome, to reconcile with `GET posts?idempotency_key=`.
"""
