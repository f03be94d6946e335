"""What a sandbox fault imposes on a request, decided once for every dialect; each dialect words the answer.

A latency fault holds the request and lets it go on; a timeout holds it, then answers as a gateway
would; `drop_reply` is left to the view, which answers it once the post is stored. The other kinds
answer at once: a rate limit with the wait until its window opens again, a server error with its
Retry-After if the fault has one, a revoked token, or a refusal of the content.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from publishing.sandbox import services
from publishing.sandbox.models import FaultKind, SandboxFault


@dataclass(frozen=True)
class Imposed:
    """The answer a fault imposes: its kind, and the seconds to wait it names (None if it names none)."""

    kind: str
    retry_after_s: int | None = None

    @property
    def reset_epoch_s(self) -> int:
        """The epoch second the wait ends, as X's and Bluesky's rate-limit headers say it."""
        return int(time.time()) + (self.retry_after_s or 0)


def imposed(fault: SandboxFault | None) -> Imposed | None:
    """The answer `fault` imposes now (after holding the request as long as it says), or None to go on."""
    if fault is None or fault.kind == FaultKind.DROP_REPLY:  # drop_reply answers once the post is stored
        return None
    if fault.kind in (FaultKind.LATENCY, FaultKind.TIMEOUT):
        time.sleep(services.fault_sleep_s(fault))
        return Imposed(FaultKind.TIMEOUT) if fault.kind == FaultKind.TIMEOUT else None
    if fault.kind == FaultKind.RATE_LIMIT:
        wait_s = services.DEFAULT_RETRY_AFTER_S if fault.retry_after_s is None else fault.retry_after_s
        return Imposed(FaultKind.RATE_LIMIT, wait_s)
    return Imposed(fault.kind, fault.retry_after_s)
