"""Fixtures of the contract tests: a platform dialect of the live sandbox (shared with tests/publishing)."""

from tests.contracts.platforms import platform_sandbox  # noqa: F401 (a fixture)
