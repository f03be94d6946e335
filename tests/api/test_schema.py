"""The OpenAPI schema validates without warnings, and the docs page renders with local assets only."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

# Actions that take no body.
BODILESS = {
    f"/api/{resource}/{{id}}/{action}/"
    for resource, action in [
        ("campaigns", "resume"),
        ("organisations", "resume"),
        ("accounts", "resume"),
        ("accounts", "disconnect"),
        ("freezes", "lift"),
        ("publications", "retry-now"),
    ]
}


def test_the_schema_validates_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "delete":
                assert "204" in operation["responses"], path
                continue
            assert "200" in operation["responses"] or "201" in operation["responses"], (path, method)
            ok = operation["responses"].get("200") or operation["responses"]["201"]
            assert "content" in ok, (path, method)  # a response schema
            if method in ("post", "patch") and path not in BODILESS:
                assert "requestBody" in operation, path
            assert "404" in operation["responses"] or "{" not in path, (path, method)


def test_the_schema_is_served(world, api_as):
    response = api_as("editor").get("/api/schema/")

    assert response.status_code == 200
    assert "/api/items/{id}/submit/" in response.content.decode()


@pytest.mark.parametrize(("address", "marker"), [("/api/docs/", "swagger-ui"), ("/api/redoc/", "redoc")])
def test_the_docs_pages_render_without_external_addresses(world, address, marker):
    client = Client()
    client.force_login(world.editor)

    response = client.get(address)

    assert response.status_code == 200
    text = response.content.decode()
    assert marker in text
    addresses = re.findall(r"""(?:src|href)=["']([^"']+)""", text) + re.findall(r"https?://[^\s\"'<>]+", text)
    assert addresses
    assert not [a for a in addresses if a.startswith(("http://", "https://", "//"))], addresses
