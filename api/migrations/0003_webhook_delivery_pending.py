from django.db import migrations, models


def date_pending(apps, schema_editor):
    # Before the sweep, a pending first attempt (or one in progress) had no time: due since it was made.
    apps.get_model("api", "WebhookDelivery").objects.filter(
        next_attempt_at__isnull=True, delivered_at__isnull=True, gave_up_at__isnull=True
    ).update(next_attempt_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_webhooks"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="webhookdelivery",
            index=models.Index(
                condition=models.Q(("delivered_at__isnull", True), ("gave_up_at__isnull", True)),
                fields=["next_attempt_at"],
                name="api_webhookdelivery_pending",
            ),
        ),
        migrations.RunPython(date_pending, migrations.RunPython.noop),
    ]
