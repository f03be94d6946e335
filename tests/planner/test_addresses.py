"""planner/addresses.py: the one public-address predicate, the resolver, and the early check of a URL (a field
error's code). The connection's own check, which cannot be fooled by DNS rebinding, is planner/outbound.py's
(tests/planner/test_outbound.py, tests/publishing/test_outbound_guard.py)."""

from __future__ import annotations

import pytest

from planner.addresses import AddressRefused, check_address, is_public_address, resolve
from tests.conftest import PUBLIC_ADDRESS


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.8.9.10", "10.0.0.1", "10.1.2.3", "10.255.255.254", "172.16.0.1", "172.16.5.4",
     "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",  # noqa: S104 (an address judged, not bound)
     "224.0.0.251", "240.0.0.1", "255.255.255.255", "192.0.2.1", "192.0.2.10",
     "::1", "::", "fe80::1", "fe80::1%eth0", "fc00::1", "fd00::1", "fd12:3456::1", "ff02::1",
     "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2001:db8::1"],
)  # fmt: skip
def test_non_public_addresses_are_told_apart(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize(
    "address",
    [PUBLIC_ADDRESS, "8.8.8.8", "2606:4700:4700::1111", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "::ffff:8.8.8.8"],
)
def test_public_addresses_are_public(address):
    assert is_public_address(address) is True


def test_resolve_gives_the_addresses_of_a_name_and_refuses_an_unknown_one(dns):
    dns["two.example"] = "10.1.2.3"
    assert resolve("two.example", 443) == ["10.1.2.3"]
    assert resolve("127.0.0.1", 80) == ["127.0.0.1"]
    assert resolve("[::1]", 80) == ["::1"]
    assert set(resolve("localhost", 80)) <= {"127.0.0.1", "::1"}
    with pytest.raises(AddressRefused, match="cannot be resolved") as refused:
        resolve("no-such-host.invalid", 443)
    assert refused.value.code == "unresolvable"


def test_a_name_is_refused_if_any_of_its_addresses_is_not_public(dns):
    dns["mixed.example"] = "10.0.0.7"

    check_address("https://hooks.example/x")  # public: no error
    with pytest.raises(AddressRefused) as refused:
        check_address("https://mixed.example/x")
    assert refused.value.code == "not_public" and "10.0.0.7" in str(refused.value)


@pytest.mark.parametrize(
    ("url", "code"),
    [("ftp://hooks.example/x", "scheme_not_allowed"), ("https://:443/x", "scheme_not_allowed"),
     ("https://hooks.example:99999/x", "scheme_not_allowed"), ("https://nowhere.invalid/x", "unresolvable"),
     ("http://169.254.169.254/latest/meta-data/", "not_public"), ("https://[::1]/x", "not_public")],
)  # fmt: skip
def test_a_url_that_names_no_reachable_public_host_is_refused_with_a_code(dns, url, code):
    with pytest.raises(AddressRefused) as refused:
        check_address(url)
    assert refused.value.code == code and str(refused.value)


def test_an_allowed_host_is_not_refused_and_may_use_http(dns):
    dns["receiver.example"] = "127.0.0.1"

    check_address("http://receiver.example:8000/x", allowed_hosts=["receiver.example"], schemes=("https",))
    with pytest.raises(AddressRefused) as refused:
        check_address("http://receiver.example:8000/x", schemes=("https",))
    assert refused.value.code == "scheme_not_allowed"
    with pytest.raises(AddressRefused) as refused:
        check_address("https://receiver.example/x")
    assert refused.value.code == "not_public"
