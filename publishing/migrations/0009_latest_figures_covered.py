"""On PostgreSQL, the one-latest-per-publication index also carries the figures (INCLUDE), so that reports add up
each post's latest figures with an index-only scan. The index keeps its name, its key and its condition: to
Django it is the same unique constraint. SQLite has no covering indexes and keeps the plain one."""

from django.db import migrations

FIGURES = "impressions, likes, shares, replies, clicks, video_views, watch_time_s"
COVERED = (
    "DROP INDEX IF EXISTS metric_one_latest_per_publication; "
    "CREATE UNIQUE INDEX metric_one_latest_per_publication ON publishing_metric (publication_id) "
    f"INCLUDE ({FIGURES}) WHERE is_latest"
)
PLAIN = (
    "DROP INDEX IF EXISTS metric_one_latest_per_publication; "
    "CREATE UNIQUE INDEX metric_one_latest_per_publication ON publishing_metric (publication_id) WHERE is_latest"
)


def cover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COVERED)


def uncover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PLAIN)


class Migration(migrations.Migration):
    dependencies = [("publishing", "0008_latest_metric")]

    operations = [migrations.RunPython(cover, uncover)]
