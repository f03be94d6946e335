"""Secrets at rest: encrypted in every table that holds one, re-encrypted by `rotate_encryption_key` so an
old key can be dropped, never copied to a history table, never written to the logs."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from simple_history.models import registered_models

from api import webhooks
from api.models import Webhook, WebhookEvent
from planner import key_rotation
from planner.encryption import EncryptedField
from planner.redaction import RedactSecrets, redact
from publishing.models import OAuthApplication, SocialAccount
from tests.loopback import counting_server

KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()
ACCOUNT_TOKEN, APP_SECRET = "at-rotation-3f9e1c", "cs-rotation-77d0a2"


def raw(model: type, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 -- our own names
        return cursor.fetchone()[0]


@pytest.fixture
def secrets_under_key_a(world, settings):
    """An account, an OAuth app and a webhook, their secrets encrypted with key A."""
    settings.CREDENTIALS_KEYS = [KEY_A]
    account = world.account
    account.credentials = {"access_token": ACCOUNT_TOKEN, "refresh_token": "rt-rotation"}
    account.save()
    app = OAuthApplication.objects.create(
        platform="mastodon", server_url="https://social.example/", redirect_uri="https://planner.example/cb",
        scopes="write", client_id="client-1", secrets={"client_secret": APP_SECRET},
    )  # fmt: skip
    hook, hook_secret = webhooks.create_webhook(
        world.ministry, world.admin, "https://hooks.example/in", [WebhookEvent.ITEM_APPROVED]
    )
    return account, app, hook, hook_secret


def ciphertexts(account, app, hook) -> dict[str, str]:
    return {
        "account": raw(SocialAccount, "credentials", account.pk),
        "app": raw(OAuthApplication, "secrets", app.pk),
        "hook": raw(Webhook, "secret", hook.pk),
    }


def test_every_secret_is_stored_as_ciphertext(dns, secrets_under_key_a):
    account, app, hook, hook_secret = secrets_under_key_a
    for name, stored in ciphertexts(account, app, hook).items():
        assert stored.startswith("gAAAAA"), name  # a Fernet token
        assert ACCOUNT_TOKEN not in stored and APP_SECRET not in stored and hook_secret not in stored
    assert Webhook.objects.get(pk=hook.pk).secret == hook_secret and len(hook_secret) == 64


def test_a_rotation_re_encrypts_every_row_so_the_old_key_can_be_dropped(dns, secrets_under_key_a, settings):
    account, app, hook, hook_secret = secrets_under_key_a
    before = ciphertexts(account, app, hook)

    settings.CREDENTIALS_KEYS = [KEY_B, KEY_A]
    out = io.StringIO()
    call_command("rotate_encryption_key", batch_size=1, stdout=out)

    after = ciphertexts(account, app, hook)
    for name in before:
        assert after[name] != before[name], name
        Fernet(KEY_B.encode()).decrypt(after[name].encode())  # under the new key alone
    printed = out.getvalue()
    assert "publishing.SocialAccount.credentials: 2 rows, 2 re-encrypted" in printed  # with the clinic's
    assert "(up to pk " in printed and "api.Webhook.secret: 1 rows, 1 re-encrypted" in printed

    settings.CREDENTIALS_KEYS = [KEY_B]  # key A dropped
    assert SocialAccount.objects.get(pk=account.pk).credentials["access_token"] == ACCOUNT_TOKEN
    assert OAuthApplication.objects.get(pk=app.pk).secrets == {"client_secret": APP_SECRET}
    assert Webhook.objects.get(pk=hook.pk).secret == hook_secret

    again = io.StringIO()
    call_command("rotate_encryption_key", stdout=again)  # nothing left to do: nothing rewritten
    assert ciphertexts(account, app, hook) == after
    assert "Done: 0 values re-encrypted" in again.getvalue()


def test_without_the_rotation_dropping_the_old_key_leaves_the_rows_unreadable(dns, secrets_under_key_a, settings):
    account = secrets_under_key_a[0]
    settings.CREDENTIALS_KEYS = [KEY_B]
    with pytest.raises(InvalidToken):
        SocialAccount.objects.get(pk=account.pk)
    with pytest.raises(CommandError, match="no key of PLANNER_CREDENTIALS_KEYS decrypts it"):
        call_command("rotate_encryption_key", stdout=io.StringIO())


def test_a_value_saved_during_the_rotation_is_kept(dns, secrets_under_key_a, settings):
    account = secrets_under_key_a[0]
    read_by_the_rotation = raw(SocialAccount, "credentials", account.pk)
    settings.CREDENTIALS_KEYS = [KEY_B, KEY_A]
    account.credentials = {"access_token": "at-refreshed-meanwhile"}
    account.save(update_fields=["credentials"])  # a worker refreshed the token, under the new key
    written = raw(SocialAccount, "credentials", account.pk)

    field = SocialAccount._meta.get_field("credentials")
    assert key_rotation.rotate_row(SocialAccount, field, account.pk, read_by_the_rotation) is False

    assert raw(SocialAccount, "credentials", account.pk) == written
    assert SocialAccount.objects.get(pk=account.pk).credentials == {"access_token": "at-refreshed-meanwhile"}


def test_a_malformed_key_is_named_in_the_error(world, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.CREDENTIALS_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="PLANNER_CREDENTIALS_KEYS"):
        SocialAccount.objects.get(pk=world.account.pk)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_webhook_secrets_kept_in_clear(world):
    executor = MigrationExecutor(connection)
    before, latest = [("api", "0004_webhook_delivery_rounds")], executor.loader.graph.leaf_nodes("api")
    executor.migrate(before)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO api_webhook (organisation_id, url, secret, events, is_active, created_at) "
                "VALUES (%s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
                [world.ministry.pk, "https://hooks.example/old", "a" * 64, "[]", True],
            )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
        hook = Webhook.objects.get(url="https://hooks.example/old")
        assert raw(Webhook, "secret", hook.pk).startswith("gAAAAA")
        assert hook.secret == "a" * 64
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)


def test_no_history_table_keeps_an_encrypted_field():
    tracked = list(registered_models.values())
    assert SocialAccount in tracked
    for model in tracked:
        historical = getattr(model, model._meta.simple_history_manager_attribute).model
        fields = [field.name for field in historical._meta.concrete_fields if isinstance(field, EncryptedField)]
        assert fields == [], historical._meta.label


def test_an_account_s_history_rows_hold_no_credential(world):
    account = world.account
    account.credentials = {"access_token": "at-history-51c2"}
    account.save()
    account.handle = "@health-renamed"
    account.save()

    rows = list(account.history.values())
    assert len(rows) >= 2 and all("credentials" not in row for row in rows)
    table = connection.ops.quote_name(SocialAccount.history.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 -- our own table
        stored = repr(cursor.fetchall())
    assert "at-history-51c2" not in stored and "gAAAAA" not in stored


@pytest.fixture
def written_log() -> Iterator[io.StringIO]:
    """What the root logger's handlers write, through the filters the settings gave them."""
    root = logging.getLogger()
    installed = [f for handler in root.handlers for f in handler.filters if isinstance(f, RedactSecrets)]
    assert installed, "LOGGING installs planner.redaction.RedactSecrets on the root logger's handlers"
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(installed[0])
    root.addHandler(handler)
    yield out
    root.removeHandler(handler)


def test_tokens_in_logged_urls_headers_and_tracebacks_are_redacted(written_log):
    log = logging.getLogger("publishing.adapters.facebook")
    log.warning("GET %s failed", "https://graph.example/v21.0/me/feed?access_token=EAAB-secret-1&fields=id")
    log.warning("sent headers %s", {"Authorization": "Bearer tok-secret-2", "Accept": "application/json"})
    log.warning("Authorization: Token ab12cd34.tok-secret-3")
    log.warning("form grant_type=refresh_token&refresh_token=rt-secret-4&client_secret=cs-secret-5")
    try:
        raise ValueError('token endpoint said {"access_token": "at-secret-6"}')
    except ValueError:
        log.exception("refresh failed")

    text = written_log.getvalue()
    for secret in ("EAAB-secret-1", "tok-secret-2", "tok-secret-3", "rt-secret-4", "cs-secret-5", "at-secret-6"):
        assert secret not in text
    assert "access_token=[redacted]&fields=id" in text and "grant_type=refresh_token" in text
    assert "ValueError" in text and text.count("[redacted]") >= 6


def test_plain_messages_are_left_as_they_are():
    message = "publication 12 published on @health (Mastodon): https://social.example/@health/1"
    assert redact(message) == message


@pytest.fixture
def loopback() -> Iterator[str]:
    with counting_server() as hits:
        yield f"http://127.0.0.1:{hits['port']}/"


def test_httpx_does_not_log_the_urls_it_requests(loopback, caplog):
    caplog.set_level(logging.DEBUG)
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() == logging.WARNING

    httpx.get(loopback + "me?access_token=at-in-url-9d", headers={"Authorization": "Bearer at-in-header-9d"})

    assert "at-in-url-9d" not in caplog.text and "at-in-header-9d" not in caplog.text


def test_a_worker_s_logs_are_redacted_too():
    """Celery sets up its own handlers on the root logger in a worker; they get the filter (planner/celery.py)."""
    script = (
        "import logging, django; django.setup()\n"
        "from planner.celery import app\n"
        "app.log.setup_logging_subsystem(loglevel='INFO')\n"
        "logging.getLogger('publishing.tasks').warning('GET /me?access_token=at-worker-secret-3b')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "planner.settings"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "access_token=[redacted]" in done.stderr and "at-worker-secret-3b" not in done.stderr
