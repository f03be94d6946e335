"""A plain HTTP server on 127.0.0.1 for the tests of outbound requests: it answers 200 and counts requests."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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
