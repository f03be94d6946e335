"""Servers on 127.0.0.1: a plain one for the tests of outbound requests (it answers 200 and counts requests), and
the project itself served for a burst."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler, _StaticFilesHandler
from django.test.utils import modify_settings

from publishing.sandbox.middleware import ARRIVED_AT_ENVIRON


@contextlib.contextmanager
def counting_server() -> Iterator[dict]:
    """Yields {"count": requests so far, "port": the server's port}; the server stops at the end of the block."""
    hits = {"count": 0, "port": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits["count"] += 1
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hits["port"] = server.server_address[1]
    try:
        yield hits
    finally:
        server.shutdown()
        server.server_close()


# Linux's SO_TIMESTAMP (asm-generic/socket.h), also the type of its control message; Python does not name it.
SO_TIMESTAMP = getattr(socket, "SO_TIMESTAMP", 29)


class _DeepBacklogServer(ThreadedWSGIServer):
    # Django's test server listens with a backlog of 10: a release's 200 connections at once overflow it and the
    # kernel resets them. Production servers listen deeper (gunicorn: 2048).
    request_queue_size = 1024


class _NoDelayHandler(QuietWSGIRequestHandler):
    # Without TCP_NODELAY a reply's headers and body go in two writes, and a keep-alive client waits ~40 ms for
    # the delayed ACK in between.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        # The kernel stamps each packet as it arrives: when a request reached the server, whatever the wait for
        # this thread's turn at the interpreter lock among a burst's hundreds (publishing/sandbox/middleware.py).
        self.connection.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 1)

    def handle_one_request(self) -> None:
        self.arrived_at = None
        with contextlib.suppress(OSError):
            # Peeked, not read: the request line is then read as usual. Empty: the client closed the connection.
            data, ancillary, _flags, _address = self.connection.recvmsg(1, socket.CMSG_SPACE(16), socket.MSG_PEEK)
            for level, kind, value in ancillary:
                if data and level == socket.SOL_SOCKET and kind == SO_TIMESTAMP:
                    seconds, microseconds = struct.unpack("qq", value[:16])
                    self.arrived_at = seconds + microseconds / 1e6
        super().handle_one_request()

    def get_environ(self) -> dict:
        environ = super().get_environ()
        if self.arrived_at is not None:
            environ[ARRIVED_AT_ENVIRON] = self.arrived_at
        return environ


class _ProjectServerThread(LiveServerThread):
    server_class = _DeepBacklogServer

    def _create_server(self, connections_override: dict | None = None) -> ThreadedWSGIServer:
        return self.server_class(
            (self.host, self.port),
            _NoDelayHandler,
            allow_reuse_address=False,
            connections_override=connections_override,
        )


@contextlib.contextmanager
def project_server() -> Iterator[str]:
    """The whole project (its sandbox platform included) on 127.0.0.1, served as a production server would serve
    a burst (bench/sandbox_server.py does the same); yields its base URL. Needs a transactional database."""
    thread = _ProjectServerThread("127.0.0.1", static_handler=_StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        with modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"}):
            yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
