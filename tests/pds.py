"""A real Bluesky PDS for the `pds` tests: installed and started by scripts/pds, reached through a loopback bridge.

The PDS runs in a private network namespace (`unshare -n`), where it can reach nothing and nothing but
this bridge can reach it. The bridge listens on this process's 127.0.0.1; its thread enters the PDS's
namespace (setns(2) applies to the calling thread only), so each connection it opens to the PDS is made
there while the listening socket stays here.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import socket
import subprocess
import threading
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pds"
INSTALL_TIMEOUT_S = 900  # first install: about 3 minutes here (npm install, then better-sqlite3 built from source)
START_TIMEOUT_S = 120  # a start takes about 3 s
PDS_PORT = 2583
CLONE_NEWNET = 0x40000000


class Unavailable(Exception):
    """The PDS could not be installed or started here; the message says why."""


def install() -> None:
    """Install the PDS into its cache (a no-op when it is there already)."""
    try:
        done = subprocess.run(
            ["bash", str(SCRIPT), "install"], capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S
        )
    except subprocess.TimeoutExpired as error:
        raise Unavailable(f"scripts/pds install did not finish within {INSTALL_TIMEOUT_S} s") from error
    if done.returncode:
        raise Unavailable(f"scripts/pds install failed ({done.returncode}): {done.stderr[-1500:]}")


class Pds:
    """A started PDS and the bridge to it; `url` is where this process reaches it."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["bash", str(SCRIPT), "start"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        ready, _, _ = select.select([self.process.stdout], [], [], START_TIMEOUT_S)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("{"):
            self.stop()
            raise Unavailable(f"the PDS did not start: {line}{self.process.stderr.read()[-1500:]}")
        self.pid = json.loads(line)["pid"]
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._bridge, daemon=True).start()

    def _bridge(self) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        namespace = os.open(f"/proc/{self.pid}/ns/net", os.O_RDONLY)
        if libc.setns(namespace, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns into the PDS's network namespace")
        os.close(namespace)
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # stopped
            upstream = socket.create_connection(("127.0.0.1", PDS_PORT))  # made in the PDS's namespace
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(source, target), daemon=True).start()

    def stop(self) -> None:
        if hasattr(self, "listener"):
            self.listener.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
