"""Triggers that keep every row inside one organisation (their SQL lives in publishing/guards.py)."""

from django.db import migrations

from publishing.guards import create_guards, drop_guards


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_initial"), ("campaigns", "0001_initial")]
    operations = [migrations.RunPython(create_guards, drop_guards)]
