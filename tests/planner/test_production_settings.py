"""The production settings (planner/settings_production.py), run as an IT team would: in their own process."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "planner.example.org"


def production_env(**overrides: str) -> dict[str, str]:
    # The browser tests allow async-unsafe calls in this process (tests/browser/chromium.py); a server must not.
    left_out = {"DEBUG", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in left_out}
    env |= {
        "DJANGO_SETTINGS_MODULE": "planner.settings_production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
    }
    return env | overrides


def run(args: list[str], **overrides: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=production_env(**overrides), capture_output=True, text=True, timeout=300
    )


def test_check_deploy_reports_nothing():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode == 0, result.stdout + result.stderr
    # The one check silenced is axes.W006 (lockout counted per username, not per address: planner/settings.py).
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_the_secret_key_must_come_from_the_environment():
    result = run(["manage.py", "check"], SECRET_KEY="")

    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment" in result.stderr


def test_the_host_names_must_be_given():
    result = run(["manage.py", "check"], ALLOWED_HOSTS="")

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name the planner's host names" in result.stderr


def test_debug_cannot_be_switched_on():
    result = run(["manage.py", "check"], DEBUG="true")

    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The static files collected as at a release: hashed names and compressed copies (whitenoise). Not the
    admin's, DRF's nor the API docs' (large, and the page asked for needs none): compressing them takes minutes."""
    root = str(tmp_path_factory.mktemp("static"))
    skipped = ["-i", "admin", "-i", "rest_framework", "-i", "drf_spectacular_sidecar"]
    result = run(["manage.py", "collectstatic", "--noinput", "-v", "0", *skipped], STATIC_ROOT=root)
    assert result.returncode == 0, result.stderr
    return root


# Asks for the sign-in page as a visitor would, with and without a TLS-terminating proxy's header.
PROBE = f"""
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="{HOST}")
answers = {{}}
for name, headers in [("plain", {{}}), ("proxied_https", {{"X-Forwarded-Proto": "https"}})]:
    response = client.get("/accounts/login/", headers=headers)
    answers[name] = {{
        "status": response.status_code,
        "location": response.get("Location"),
        "hsts": response.get("Strict-Transport-Security"),
        "csp": response.get("Content-Security-Policy"),
        "csrf_cookie_secure": bool(response.cookies["csrftoken"]["secure"]) if "csrftoken" in response.cookies else None,
    }}
from django.templatetags.static import static
stylesheet = client.get(static("planner.css"), headers={{"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}})
answers["stylesheet"] = {{
    "url": static("planner.css"),
    "status": stylesheet.status_code,
    "cache": stylesheet.get("Cache-Control"),
    "encoding": stylesheet.get("Content-Encoding"),
}}
print(json.dumps(answers))
"""


def test_plain_http_is_sent_to_https_and_https_behind_the_proxy_gets_hsts_and_secure_cookies(static_root):
    result = run(["-c", PROBE], PLANNER_BEHIND_TLS_PROXY="true", STATIC_ROOT=static_root)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])

    assert answers["plain"]["status"] == 301
    assert answers["plain"]["location"] == f"https://{HOST}/accounts/login/"
    proxied = answers["proxied_https"]
    assert proxied["status"] == 200
    assert proxied["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in proxied["csp"] and "unsafe-inline" not in proxied["csp"]
    assert proxied["csrf_cookie_secure"] is True


def test_the_web_process_serves_static_files_compressed_under_hashed_names_cached_for_ever(static_root):
    result = run(["-c", PROBE], PLANNER_BEHIND_TLS_PROXY="true", STATIC_ROOT=static_root)
    assert result.returncode == 0, result.stderr
    stylesheet = json.loads(result.stdout.strip().splitlines()[-1])["stylesheet"]

    assert stylesheet["url"].startswith("/static/planner.") and stylesheet["url"] != "/static/planner.css"
    assert stylesheet["status"] == 200
    assert "immutable" in stylesheet["cache"]
    assert stylesheet["encoding"] == "gzip"


def test_without_the_proxy_setting_a_forwarded_header_is_not_believed(static_root):
    result = run(["-c", PROBE], STATIC_ROOT=static_root)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])

    assert answers["proxied_https"]["status"] == 301


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_starts_with_the_deploy_configuration_and_answers_the_probes_over_plain_http(tmp_path):
    port = free_port()
    env = production_env(PLANNER_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", PLANNER_DATA_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)  # a new SQLite database, not migrated: ready must say so
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/ready/", headers={"Host": HOST}, timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.5)
        page = httpx.get(f"http://127.0.0.1:{port}/accounts/login/", headers={"Host": HOST}, timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert ready.status_code == 503
    assert ready.json()["checks"]["migrations"]["ok"] is False
    assert page.status_code == 301 and page.headers["location"] == f"https://{HOST}/accounts/login/"
