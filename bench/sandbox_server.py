"""The sandbox platform for the benchmarks: Django's own runserver server, with two settings changed for load.

    python bench/sandbox_server.py 127.0.0.1:PORT   (DJANGO_SETTINGS_MODULE=bench.settings)

`manage.py runserver` listens with a backlog of 10: 64 clients connecting at once overflow it, the
kernel drops their SYNs and they retry after 1 s, 3 s, 7 s… It also sends headers and body in two
writes without TCP_NODELAY, so a reused (keep-alive) connection waits ~40 ms for a delayed ACK.
This is the same ThreadedWSGIServer and WSGIRequestHandler (a thread per connection, HTTP/1.1,
database connections closed when a connection ends) with a backlog of 1024 and TCP_NODELAY.
No dependency: waitress, gunicorn and the like are not installed in this project.
"""

# ruff: noqa: E402 -- Django is set up before the project's modules are imported.
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler, get_internal_wsgi_application


class Server(ThreadedWSGIServer):
    request_queue_size = 1024


class Handler(WSGIRequestHandler):
    disable_nagle_algorithm = True


def main() -> None:
    host, _, port = sys.argv[1].rpartition(":")
    server = Server((host, int(port)), Handler)
    server.set_app(get_internal_wsgi_application())
    print(f"sandbox serving on http://{host}:{port}/ (backlog {Server.request_queue_size}, TCP_NODELAY)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
