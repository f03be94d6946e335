"""planner/addresses.py: a name resolved once and checked, then connected to at that address only (what it
resolves to later changes nothing), with the name's Host header and TLS server name, within a total deadline."""

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

from planner.addresses import AddressRefused, address_to_connect, is_public, pinned_transport, resolve


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


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True), ("127.0.0.1", False),
        ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False),
        ("100.64.0.1", False), ("0.0.0.0", False),  # noqa: S104 (an address judged, not bound)
        ("::1", False), ("fe80::1%eth0", False), ("fd00::1", False),
        ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False), ("192.0.2.1", False),
    ],
)  # fmt: skip
def test_only_global_addresses_are_public(address, public):
    assert is_public(address) is public


def test_a_name_is_resolved_once_and_refused_if_any_of_its_addresses_is_not_public(dns):
    dns["mixed.example"] = "10.0.0.7"

    assert address_to_connect("https://hooks.example/x") == "93.184.215.14"
    assert resolve("127.0.0.1", 80) == ["127.0.0.1"]
    with pytest.raises(AddressRefused) as refused:
        address_to_connect("https://mixed.example/x")
    assert refused.value.code == "not_public"


@pytest.mark.parametrize(
    ("url", "code"),
    [("ftp://hooks.example/x", "scheme_not_allowed"), ("https://:443/x", "scheme_not_allowed"),
     ("https://hooks.example:99999/x", "scheme_not_allowed"), ("https://nowhere.invalid/x", "unresolvable")],
)  # fmt: skip
def test_a_url_that_names_no_reachable_public_host_is_refused_with_a_code(dns, url, code):
    with pytest.raises(AddressRefused) as refused:
        address_to_connect(url)
    assert refused.value.code == code and str(refused.value)


def test_an_allowed_host_is_resolved_but_not_refused_and_may_use_http(dns):
    dns["receiver.example"] = "127.0.0.1"

    assert address_to_connect("http://receiver.example:8000/x", allowed_hosts=["receiver.example"]) == "127.0.0.1"
    with pytest.raises(AddressRefused):
        address_to_connect("http://receiver.example:8000/x", schemes=("https",))


def test_the_connection_goes_to_the_checked_address_whatever_the_name_resolves_to_later(dns, loopback_server):
    server, seen = loopback_server
    port = server.server_address[1]
    dns["rebound.example"] = "127.0.0.1"
    address = address_to_connect(f"http://rebound.example:{port}/", allowed_hosts=["rebound.example"])
    dns["rebound.example"] = "10.255.255.1"  # rebinding: nothing listens there

    with httpx.Client(transport=pinned_transport(address, deadline_s=5)) as client:
        response = client.get(f"http://rebound.example:{port}/page")

    assert response.status_code == 200 and response.text == "ok"
    assert seen == [seen[0]] and seen[0]["host"] == f"rebound.example:{port}"


def test_a_receiver_that_answers_a_byte_at_a_time_is_cut_off_at_the_deadline():
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
    started = time.monotonic()
    # Each read comes well within the read timeout: only the total deadline ends it.
    with (
        pytest.raises(httpx.TimeoutException),
        httpx.Client(transport=pinned_transport("127.0.0.1", deadline_s=0.8), timeout=5) as client,
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


def test_over_tls_the_name_is_the_server_name_and_the_certificate_checked(loopback_server, tmp_path):
    server, seen = loopback_server
    ca, cert, key = _certificate_for("hooks.example", tmp_path)
    names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    trusted = ssl.create_default_context(cafile=str(ca))

    with httpx.Client(transport=pinned_transport("127.0.0.1", deadline_s=5, verify=trusted)) as client:
        response = client.get(f"https://hooks.example:{port}/")
    with (
        pytest.raises(httpx.ConnectError),
        httpx.Client(transport=pinned_transport("127.0.0.1", deadline_s=5, verify=trusted)) as client,
    ):
        client.get(f"https://other.example:{port}/")  # the certificate is not this name's

    assert response.status_code == 200 and seen[0]["host"] == f"hooks.example:{port}"
    assert names[0] == "hooks.example"
