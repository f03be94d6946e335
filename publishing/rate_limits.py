"""Per-account rate limits, kept in Redis so that every worker on every machine shares them.

A token bucket per (platform, account): `burst` posts at once, refilled at `per_minute`. A crisis
burst of hundreds of posts is spread out instead of tripping the platform's own limits (and its
penalties). Without Redis (the embedded default) there is nothing shared to count in: no limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import redis
from django.conf import settings

# Defaults, per account, from what the platforms publish or are seen to enforce on posting
# (platform-rules.md); override per platform with the setting PLANNER_RATE_LIMITS.
DEFAULT_LIMIT = {"per_minute": 30.0, "burst": 10.0}

# Runs atomically in Redis, on Redis's own clock, so workers with skewed clocks agree.
BUCKET_SCRIPT = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local rate = tonumber(ARGV[1]) / 60
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or t
tokens = math.min(burst, tokens + math.max(0, t - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(t))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""


@dataclass(frozen=True)
class Limit:
    per_minute: float
    burst: float


def limit_for(platform: str) -> Limit:
    overrides = getattr(settings, "PLANNER_RATE_LIMITS", {}).get(platform, {})
    return Limit(**(DEFAULT_LIMIT | overrides))


@cache
def _script() -> redis.commands.core.Script | None:
    url = settings.RATE_LIMIT_REDIS_URL
    if not url:
        return None
    return redis.Redis.from_url(url).register_script(BUCKET_SCRIPT)


def acquire(platform: str, account_id: int) -> float:
    """Take one post's token for this account: 0 if it may post now, else the seconds to wait."""
    script = _script()
    if script is None:
        return 0.0
    limit = limit_for(platform)
    return float(script(keys=[f"planner:ratelimit:{platform}:{account_id}"], args=[limit.per_minute, limit.burst]))
