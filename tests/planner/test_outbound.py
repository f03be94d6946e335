"""planner/outbound.py's backend: a name resolved once inside the connection and connected to at exactly those
addresses (what it resolves to later changes nothing), with the name's Host header and TLS server name, and,
when a client is given one, within a total deadline. Its refusals are in tests/publishing/test_outbound_guard.py."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from planner.outbound import Guard, guarded_client


def allowing(*hosts: str) -> Guard:
    """A guard that is on, with `hosts` exempt from the public-address check (loopback is where tests listen)."""
    return Guard(lambda: True, lambda: hosts)


@pytest.fixture
def loopback_server() -> Iterator[tuple[ThreadingHTTPServer, list[dict[str, str]]]]:
    """An HTTP server on 127.0.0.1 that answers 200 and keeps the headers of what it received."""
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append({k.lower(): v for k, v in self.headers.items()})
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, seen
    server.shutdown()
    server.server_close()


def test_the_connection_goes_to_the_address_looked_up_once_whatever_the_name_resolves_to_later(
    dns, loopback_server, monkeypatch
):
    server, seen = loopback_server
    port = server.server_address[1]
    dns["rebound.example"] = "127.0.0.1"
    asked: list[str] = []
    resolving = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        answer = resolving(host, *args, **kwargs)
        if host == "rebound.example":
            asked.append(host)
            dns[host] = "10.255.255.1"  # rebinding: nothing listens there
        return answer

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)

    with guarded_client(allowing("rebound.example"), deadline_s=5) as client:
        response = client.get(f"http://rebound.example:{port}/page")

    assert response.status_code == 200 and response.text == "ok"
    assert asked == ["rebound.example"]
    assert seen == [seen[0]] and seen[0]["host"] == f"rebound.example:{port}"


def test_a_name_that_does_not_resolve_is_a_connection_error_as_without_the_guard(dns):
    with (
        guarded_client(Guard(lambda: True, lambda: ())) as client,
        pytest.raises(httpx.ConnectError, match="cannot be resolved"),
    ):
        client.get("https://nowhere.invalid/")


@pytest.mark.parametrize("guard_on", [True, False])
def test_a_receiver_that_answers_a_byte_at_a_time_is_cut_off_at_the_deadline(dns, guard_on):
    dns["slow.example"] = "127.0.0.1"
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle() -> None:
        connection, _ = listener.accept()
        connection.recv(65536)
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
            if stop.wait(0.1):
                break
            connection.sendall(bytes([byte]))
        connection.close()

    threading.Thread(target=trickle, daemon=True).start()
    port = listener.getsockname()[1]
    guard = Guard(lambda: guard_on, lambda: ["slow.example"])
    started = time.monotonic()
    # Each read comes well within the read timeout: only the total deadline ends it.
    with (
        pytest.raises(httpx.TimeoutException),
        guarded_client(guard, deadline_s=0.8, timeout=5) as client,
    ):
        client.get(f"http://slow.example:{port}/")
    stop.set()
    listener.close()

    assert time.monotonic() - started < 2


def _certificate_for(name: str, folder: Path) -> tuple[Path, Path, Path]:
    """A CA of the test's own, and a certificate it signed for `name`: (ca.pem, cert.pem, key.pem)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(1).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


def test_over_tls_the_name_is_the_server_name_and_the_certificate_checked(dns, loopback_server, tmp_path):
    server, seen = loopback_server
    dns["hooks.example"] = dns["other.example"] = "127.0.0.1"
    ca, cert, key = _certificate_for("hooks.example", tmp_path)
    names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    trusted = ssl.create_default_context(cafile=str(ca))
    guard = allowing("hooks.example", "other.example")

    with guarded_client(guard, deadline_s=5, verify=trusted) as client:
        response = client.get(f"https://hooks.example:{port}/")
    with (
        pytest.raises(httpx.ConnectError),
        guarded_client(guard, deadline_s=5, verify=trusted) as client,
    ):
        client.get(f"https://other.example:{port}/")  # the certificate is not this name's

    assert response.status_code == 200 and seen[0]["host"] == f"hooks.example:{port}"
    assert names[0] == "hooks.example"
