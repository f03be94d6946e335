"""The outbound guard (SSRF): with PLANNER_BLOCK_PRIVATE_ADDRESSES on, the platforms' API calls, account
connections and webhooks connect only to public addresses, checked on the address actually connected;
an allowed host (the sandbox) still passes. Names are resolved through the `dns` fixture, or are `localhost`."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from api import webhooks
from api.models import WebhookDelivery, WebhookEvent
from planner.addresses import AddressRefused
from planner.outbound import Guard, guarded_client, host_allowed
from publishing.adapters import base
from publishing.adapters.base import AddressNotAllowed, Permanent
from publishing.adapters.sandbox import SandboxAdapter
from publishing.models import Publication
from publishing.sandbox.models import SandboxPost
from tests.conftest import PUBLIC_ADDRESS
from tests.loopback import counting_server

BLOCKING = Guard(lambda: True, lambda: ())


def test_allowed_hosts_name_a_host_or_a_host_and_port():
    assert host_allowed("127.0.0.1", 8000, ["127.0.0.1:8000"])
    assert not host_allowed("127.0.0.1", 8001, ["127.0.0.1:8000"])
    assert host_allowed("localhost", 1234, ["LOCALHOST"])
    assert host_allowed("::1", 8000, ["[::1]:8000"]) and host_allowed("::1", 9, ["[::1]"])
    assert not host_allowed("::1", 9, ["[::1]:8000"]) and not host_allowed("10.0.0.1", 80, [])


@pytest.fixture
def loopback_server() -> Iterator[dict]:
    """A server on 127.0.0.1 that counts the requests that reach it."""
    with counting_server() as hits:
        yield hits


@pytest.mark.parametrize(
    ("url", "answer"),
    [
        ("http://127.0.0.1:{port}/", None),
        ("http://10.0.0.1/", None),
        ("http://10.200.3.4:8080/", None),
        ("http://169.254.169.254/latest/meta-data/", None),
        ("http://[::1]:{port}/", None),
        ("http://[::ffff:127.0.0.1]:{port}/", None),
        ("http://localhost:{port}/", None),
        ("http://rebound.example:{port}/", "127.0.0.1"),
        ("https://internal.example/", "10.9.8.7"),
        ("http://metadata.example/latest/meta-data/", "169.254.169.254"),
        ("http://six.example:{port}/", "::1"),
    ],
)
def test_the_guard_refuses_to_connect_to_a_non_public_address(dns, loopback_server, url, answer):
    host = urlsplit(url).hostname
    if answer:
        dns[host] = answer

    with guarded_client(BLOCKING) as client, pytest.raises(AddressRefused, match="is not a public address"):
        client.get(url.format(port=loopback_server["port"]))

    assert loopback_server["count"] == 0


def test_an_allowed_host_and_port_passes_and_a_disabled_guard_checks_nothing(loopback_server):
    url = f"http://127.0.0.1:{loopback_server['port']}/"
    allowing = Guard(lambda: True, lambda: [f"127.0.0.1:{loopback_server['port']}"])
    with guarded_client(allowing) as client:
        assert client.get(url).status_code == 200
    with guarded_client(Guard(lambda: False, lambda: ())) as client:
        assert client.get(url).status_code == 200
    assert loopback_server["count"] == 2


def test_a_name_is_checked_when_connecting_not_only_before(dns, loopback_server):
    """DNS rebinding: the name is public when looked at, then points at loopback when the request goes out."""
    from planner.addresses import check_address

    url = f"http://rebinding.example:{loopback_server['port']}/"
    check_address(url)  # public now
    dns["rebinding.example"] = "127.0.0.1"

    with guarded_client(BLOCKING) as client, pytest.raises(AddressRefused):
        client.get(url)
    assert loopback_server["count"] == 0


@pytest.fixture
def fresh_shared_client(monkeypatch):
    """shared_client() as a new process makes it (no keep-alive connection from an earlier test)."""
    monkeypatch.setattr(base, "_clients", {})


def test_in_production_settings_an_adapter_refuses_the_sandbox_on_loopback_with_a_permanent_error(
    on_sandbox, settings, fresh_shared_client
):
    settings.PLANNER_BLOCK_PRIVATE_ADDRESSES, settings.PLANNER_OUTBOUND_ALLOWED_HOSTS = True, []

    with pytest.raises(Permanent, match="is not a public address") as refused:
        SandboxAdapter().publish(Publication.objects.get(pk=on_sandbox.publication.pk))

    assert isinstance(refused.value, AddressNotAllowed)
    assert "PLANNER_OUTBOUND_ALLOWED_HOSTS" in str(refused.value)
    assert not SandboxPost.objects.exists()


def test_the_sandbox_configured_as_an_allowed_host_is_reached(on_sandbox, live_server, settings, fresh_shared_client):
    parts = urlsplit(live_server.url)
    settings.PLANNER_BLOCK_PRIVATE_ADDRESSES = True
    settings.PLANNER_OUTBOUND_ALLOWED_HOSTS = [f"{parts.hostname}:{parts.port}"]

    published = SandboxAdapter().publish(Publication.objects.get(pk=on_sandbox.publication.pk))

    assert SandboxPost.objects.get().remote_id == published.remote_id


def test_the_test_settings_leave_loopback_reachable(settings):
    assert settings.PLANNER_BLOCK_PRIVATE_ADDRESSES is False


def test_a_webhook_whose_name_is_re_pointed_at_loopback_between_the_check_and_the_connection_is_not_sent(
    world, dns, settings, monkeypatch
):
    """DNS rebinding against the check at sending time: the first answer is public, the next ones loopback."""
    settings.PLANNER_WEBHOOK_ALLOWED_HOSTS = []
    webhooks.create_webhook(world.ministry, world.admin, "https://hooks.example/planner", [WebhookEvent.ITEM_APPROVED])
    [delivery] = webhooks.notify(world.ministry, WebhookEvent.ITEM_APPROVED, {"item": {"id": 1}})
    answered = []
    looked_up = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host == "hooks.example":
            answered.append(host)
            address = PUBLIC_ADDRESS if len(answered) == 1 else "127.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]
        return looked_up(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)

    webhooks.deliver(delivery.pk)

    stored = WebhookDelivery.objects.get(pk=delivery.pk)
    assert len(answered) == 2  # the check before sending, then the connection's own
    assert stored.delivered_at is None and "127.0.0.1 is not a public address" in stored.last_error


def test_a_mastodon_server_typed_that_resolves_inside_is_refused_on_its_field(db, dns, settings, fresh_shared_client):
    from publishing.connect import mastodon
    from publishing.connect.oauth import ConnectRefused

    settings.PLANNER_BLOCK_PRIVATE_ADDRESSES = True
    dns["mastodon.internal.example"] = "10.20.30.40"

    with pytest.raises(ConnectRefused, match=r"10\.20\.30\.40 is not a public address") as refused:
        mastodon.application(base.shared_client(), "https://mastodon.internal.example/", "https://planner.example/cb")

    assert refused.value.field == "server"


def test_a_link_card_whose_page_the_guard_refuses_is_unavailable_not_a_failure(dns, loopback_server):
    from publishing.adapters import bluesky_cards

    page = f"http://127.0.0.1:{loopback_server['port']}/page"  # on the card's own allow-list, not on the guard's
    with (
        guarded_client(BLOCKING, client_class=base.PlatformClient) as client,
        pytest.raises(bluesky_cards.CardUnavailable, match="is not a public address"),
    ):
        bluesky_cards.read_card(client, page, allowed_hosts=["127.0.0.1"])
    assert loopback_server["count"] == 0
