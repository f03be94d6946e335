"""Database triggers that keep every row inside one organisation.

Foreign keys alone cannot say "the account and the variant belong to the same organisation", so
these triggers refuse, on PostgreSQL and SQLite alike, any insert or update that would join rows of
two organisations or move a row to another one. Forms and the admin give the friendly message
first (each model's `clean()`); this is the backstop for every other path.

They are created by a migration and re-created after every `migrate` (see apps.py): SQLite
rebuilds a table to alter it, which drops the triggers on that table and refuses the rebuild while
another table's trigger names it, so they are dropped before migrating and made again after.
"""

# ruff: noqa: S608 -- the SQL below is built from constants of this module, never from input.
from typing import Any

VARIANT_ORGANISATION = """(SELECT c.organisation_id FROM campaigns_variant v
    JOIN campaigns_contentitem i ON i.id = v.item_id
    JOIN campaigns_campaign c ON c.id = i.campaign_id WHERE v.id = NEW.variant_id)"""

# (trigger name, table, events, condition on NEW/OLD that means "refuse", message)
GUARDS = [
    ("publication_same_organisation", "publishing_publication", ["INSERT", "UPDATE OF variant_id, account_id"],
     f"(SELECT organisation_id FROM publishing_socialaccount WHERE id = NEW.account_id) {{distinct}} {VARIANT_ORGANISATION}",
     "a publication must use an account of the organisation of the variant"),
    ("publication_same_platform", "publishing_publication", ["INSERT", "UPDATE OF variant_id, account_id"],
     "(SELECT platform FROM publishing_socialaccount WHERE id = NEW.account_id) {distinct} "
     "(SELECT platform FROM campaigns_variant WHERE id = NEW.variant_id)",
     "a publication must use an account on the platform of the variant"),
    ("variant_media_same_organisation", "campaigns_variantmedia", ["INSERT", "UPDATE OF variant_id, asset_id"],
     f"(SELECT organisation_id FROM campaigns_mediaasset WHERE id = NEW.asset_id) {{distinct}} {VARIANT_ORGANISATION}",
     "a variant can only use media of its own organisation"),
    ("item_stays_in_organisation", "campaigns_contentitem", ["UPDATE OF campaign_id"],
     "(SELECT organisation_id FROM campaigns_campaign WHERE id = NEW.campaign_id) {distinct} "
     "(SELECT organisation_id FROM campaigns_campaign WHERE id = OLD.campaign_id)",
     "an item cannot move to a campaign of another organisation"),
    ("variant_stays_with_item", "campaigns_variant", ["UPDATE OF item_id"],
     "NEW.item_id {distinct} OLD.item_id", "a variant cannot move to another item"),
    ("campaign_keeps_organisation", "campaigns_campaign", ["UPDATE OF organisation_id"],
     "NEW.organisation_id {distinct} OLD.organisation_id", "a campaign cannot change organisation"),
    ("media_keeps_organisation", "campaigns_mediaasset", ["UPDATE OF organisation_id"],
     "NEW.organisation_id {distinct} OLD.organisation_id", "a media asset cannot change organisation"),
    ("account_keeps_organisation", "publishing_socialaccount", ["UPDATE OF organisation_id"],
     "NEW.organisation_id {distinct} OLD.organisation_id", "an account cannot change organisation"),
]  # fmt: skip


def postgresql_sql(name: str, table: str, events: list[str], condition: str, message: str) -> list[str]:
    # The error code makes psycopg raise CheckViolation, which Django maps to IntegrityError.
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN
            IF {condition.format(distinct="IS DISTINCT FROM")} THEN
                RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        f"CREATE TRIGGER {name} BEFORE {' OR '.join(events)} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def sqlite_sql(name: str, table: str, events: list[str], condition: str, message: str) -> list[str]:
    # SQLite triggers take one event each; RAISE(ABORT) surfaces as IntegrityError.
    return [
        f"""CREATE TRIGGER {name}_{index} BEFORE {event} ON {table} FOR EACH ROW
        WHEN {condition.format(distinct="IS NOT")}
        BEGIN SELECT RAISE(ABORT, '{message}'); END"""
        for index, event in enumerate(events)
    ]


def create_guards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    builders = {"postgresql": postgresql_sql, "sqlite": sqlite_sql}
    if vendor not in builders:
        raise NotImplementedError(f"organisation guards are written for PostgreSQL and SQLite, not {vendor}")
    for guard in GUARDS:
        for statement in builders[vendor](*guard):
            schema_editor.execute(statement)


def drop_guards(apps: Any, schema_editor: Any) -> None:
    for name, table, events, _condition, _message in GUARDS:
        if schema_editor.connection.vendor == "postgresql":
            if table not in schema_editor.connection.introspection.table_names():
                continue
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            for index in range(len(events)):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{index}")


def guarded_tables_exist(connection: Any) -> bool:
    existing = set(connection.introspection.table_names())
    return {table for _name, table, *_rest in GUARDS} | {"campaigns_campaign", "campaigns_mediaasset"} <= existing


def drop_before_migrating(using: str = "default", **kwargs: Any) -> None:
    """pre_migrate: drop the triggers so that SQLite can rebuild the tables they name."""
    from django.db import connections

    connection = connections[using]
    with connection.schema_editor() as schema_editor:
        drop_guards(None, schema_editor)


def recreate_after_migrating(using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """post_migrate: make the triggers again, once their tables exist and their migration has run."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if not guarded_tables_exist(connection):
        return
    if (
        not MigrationRecorder(connection)
        .migration_qs.filter(app="publishing", name="0002_cross_organisation_guards")
        .exists()
    ):
        return
    with connection.schema_editor() as schema_editor:
        drop_guards(None, schema_editor)
        create_guards(None, schema_editor)
