"""Child servers of a benchmark: a free loopback address, start, wait until up, stop. No Django here, so
any benchmark can import it whatever its settings."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_address() -> str:
    """A loopback host:port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


def spawn(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        # Its own session: Ctrl-C reaches only this script, which then stops its children in order.
        return subprocess.Popen(  # noqa: S603 -- this project's own commands
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_until_it_asks_for_a_token(url: str, what: str, log: Path) -> None:
    """Poll `url` (for up to about 30 s) until it answers 401: up, and asking for a token as it should."""
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 -- loopback
        except urllib.error.HTTPError as answer:
            if answer.code == 401:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start: see {log}")


def stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
