"""The content security policy on every response, and templates that need no exception to it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
# Rendered for the PDF only (WeasyPrint, no browser), and the API's Redoc page, which has its own policy.
NOT_BROWSER_PAGES = {"analytics/campaign_report_print.html", "drf_spectacular/redoc.html"}


def templates() -> list[Path]:
    return sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("template", templates(), ids=lambda path: str(path.relative_to(ROOT / "templates")))
def test_a_template_has_no_inline_script_style_or_handler(template):
    if str(template.relative_to(ROOT / "templates")) in NOT_BROWSER_PAGES:
        pytest.skip("not a page of the UI")
    text = template.read_text()

    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text), "an inline <script>: move it to static/"
    assert not re.search(r"<style\b", text), "a <style> element: move it to static/*.css"
    assert not re.search(r"\sstyle=", text), "a style attribute: use data-style-PROPERTY (static/planner.js)"
    assert not re.search(r"\son[a-z]+=", text), "an inline event handler: attach it from static/*.js"


def test_pages_carry_the_strict_policy(world):
    client = Client()
    client.force_login(world.editor)

    for address in (reverse("home"), reverse("calendar"), reverse("login")):
        policy = client.get(address)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_only_the_api_docs_allow_inline_styles_and_never_inline_scripts(world):
    client = Client()
    client.force_login(world.editor)

    for address in (reverse("api:docs"), reverse("api:redoc")):
        policy = client.get(address)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert "'unsafe-inline'" in directives["style-src"]
        assert directives["script-src"] == "'self'"
