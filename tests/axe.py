"""axe-core, injected into a Playwright page: the WCAG 2.1 A and AA violations it finds there.

`scripts/axe install` puts axe.min.js in a cache outside the clone. Without it the accessibility tests skip,
unless PLANNER_REQUIRE_AXE=1 (CI), which makes them fail instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

VERSION = "4.11.4"  # scripts/axe installs this one
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def script_path() -> Path:
    cache = os.environ.get("PLANNER_AXE_CACHE") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "planner-axe"
    )
    return Path(cache) / "node_modules" / "axe-core" / "axe.min.js"


def source_or_skip() -> str:
    """axe.min.js's text; skips the test (fails it under PLANNER_REQUIRE_AXE=1) when it is not installed."""
    path = script_path()
    problem = ""
    if not path.exists():
        problem = f"axe-core is not installed at {path} (run scripts/axe install)"
    else:
        source = path.read_text(encoding="utf-8")
        if f"axe v{VERSION}" not in source[:200]:
            problem = f"{path} is not axe-core {VERSION} (run scripts/axe install)"
    if problem:
        if os.environ.get("PLANNER_REQUIRE_AXE") == "1":
            pytest.fail(f"PLANNER_REQUIRE_AXE=1 but {problem}")
        pytest.skip(problem)
    return source


def violations(page: object, source: str) -> list[dict]:
    """Runs axe on the page as it is now (injecting it first if the page does not have it yet)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    return page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            .then((results) => results.violations.map((v) => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
            })))""",
        TAGS,
    )


def describe(found: list[dict], limit: int = 5) -> str:
    """The violations as text a person can act on: rule, impact, what it asks, and the first few elements."""
    lines = []
    for violation in found:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:limit]:
            lines.append(f"      {node['target']}: {node['html'][:160]}")
            for reason in (node["summary"] or "").splitlines()[1:3]:
                lines.append(f"        {reason.strip()}")
        if len(violation["nodes"]) > limit:
            lines.append(f"      … and {len(violation['nodes']) - limit} more")
    return "\n".join(lines)
