# Webhook.secret was kept in clear: it is now encrypted at rest like the platforms' credentials.

from django.db import migrations

import planner.encryption


def _rewrite(apps, schema_editor, change):
    Webhook = apps.get_model("api", "Webhook")
    table = schema_editor.quote_name(Webhook._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret FROM {table}")  # noqa: S608 -- a table name of ours
        rows = cursor.fetchall()
        for pk, value in rows:
            if value:
                cursor.execute(f"UPDATE {table} SET secret = %s WHERE id = %s", [change(value), pk])  # noqa: S608


def encrypt(apps, schema_editor):
    cipher = planner.encryption.credentials_cipher()
    _rewrite(apps, schema_editor, lambda plain: cipher.encrypt(plain.encode()).decode())


def decrypt(apps, schema_editor):
    cipher = planner.encryption.credentials_cipher()
    _rewrite(apps, schema_editor, lambda token: cipher.decrypt(token.encode()).decode())


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0004_webhook_delivery_rounds"),
    ]

    operations = [
        # Text first (a ciphertext is longer than 64 characters), then the rows.
        migrations.AlterField(
            model_name="webhook",
            name="secret",
            field=planner.encryption.EncryptedTextField(editable=False),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
