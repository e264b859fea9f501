"""Issue 14: the squashed migrations (services/*/migrations/0001_squashed_*, vpc's batched
0001 and services/core/migration_ops.CreateModels) build the schema the original chain
built, a database migrated by the original chain needs nothing more, and a migration
written against an old leaf (ec2 0006, core 0003...) still finds its place."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection, connections, migrations
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

SCHEMA_QUERIES = {
    "columns": """
        SELECT table_name, ordinal_position, column_name, data_type, is_nullable,
               column_default, character_maximum_length, is_identity
        FROM information_schema.columns WHERE table_schema = 'public'""",
    "constraints": """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace""",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "triggers": """
        SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)
        FROM pg_trigger WHERE NOT tgisinternal""",
    "functions": """
        SELECT proname, pg_get_functiondef(oid)
        FROM pg_proc WHERE pronamespace = 'public'::regnamespace""",
}


def schema(conn) -> dict[str, list[tuple]]:
    """What pg_dump --schema-only would show, as sorted rows per kind of object."""
    with conn.cursor() as cursor:
        out = {}
        for kind, sql in SCHEMA_QUERIES.items():
            cursor.execute(sql)
            out[kind] = sorted(tuple(str(v) for v in row) for row in cursor.fetchall())
    return out


def _admin(settings_dict: dict) -> psycopg.Connection:
    return psycopg.connect(
        dbname="postgres",
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        autocommit=True,
    )


class _OriginalChain(MigrationLoader):
    """The migrations as they were before the squash: the squashes left out."""

    def load_disk(self) -> None:
        super().load_disk()
        for key, migration in list(self.disk_migrations.items()):
            if migration.replaces:
                del self.disk_migrations[key]


@pytest.fixture(scope="module")
def old_chain(django_db_setup, django_db_blocker) -> Iterator[BaseDatabaseWrapper]:
    """A database of its own migrated by the original, unsquashed migrations, as every
    database made before the squash was."""
    name = f"old_chain_{uuid.uuid4().hex[:8]}"
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict["NAME"] = name
    with django_db_blocker.unblock():
        with _admin(settings_dict) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        connections.settings["old_chain"] = settings_dict
        conn = connections["old_chain"]
        try:
            executor = MigrationExecutor(conn)
            executor.loader = _OriginalChain(conn)
            executor.migrate(executor.loader.graph.leaf_nodes())
            yield conn
        finally:
            conn.close()
            del connections["old_chain"]
            del connections.settings["old_chain"]
            with _admin(settings_dict) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="module")
def original_schema(old_chain, django_db_blocker) -> dict[str, list[tuple]]:
    with django_db_blocker.unblock():
        return schema(old_chain)


def test_a_fresh_database_gets_the_schema_the_original_migrations_built(
    original_schema, db
) -> None:
    # The test database was made by `migrate`, through the squashed migrations.
    fresh, old = schema(connection), original_schema
    for kind in SCHEMA_QUERIES:
        assert fresh[kind] == old[kind], kind
    # The RunSQL of core 0004 is there: triggers and functions, not only tables.
    assert any(name == "core_bump_account_generation" for name, _ in fresh["functions"])
    assert len(fresh["triggers"]) >= 8


def test_migrate_on_a_database_at_the_old_leaf_changes_nothing(
    old_chain, django_db_blocker
) -> None:
    with django_db_blocker.unblock():
        before = schema(old_chain)
        executor = MigrationExecutor(old_chain)
        targets = executor.loader.graph.leaf_nodes()
        assert executor.migration_plan(targets) == []
        executor.migrate(targets)
        assert schema(old_chain) == before
        applied = MigrationRecorder(old_chain).applied_migrations()
    # The squashes now count as applied beside the migrations they replace.
    assert ("ec2", "0001_squashed_0006_key_material_pool") in applied
    assert ("ec2", "0006_key_material_pool") in applied


class _WithLaterMigrations(MigrationLoader):
    """The migrations on disk plus ones written against the old leaves (as ec2
    0007_tags_indexes and vpc 0002_tags_indexes were, while the squash was made)."""

    LATER = {
        ("ec2", "9007_later"): [("ec2", "0006_key_material_pool")],
        ("core", "9005_later"): [("core", "0004_account_generation")],
        ("iam", "9004_later"): [
            ("iam", "0003_seal_mfa_seeds"),
            ("core", "0003_seal_access_key_secrets"),
        ],
        ("vpc", "9002_later"): [("vpc", "0001_initial"), ("ec2", "0005_instance_placement_group")],
    }

    def load_disk(self) -> None:
        super().load_disk()
        for (app, name), dependencies in self.LATER.items():
            body = {"dependencies": dependencies, "operations": []}
            self.disk_migrations[app, name] = type("Migration", (migrations.Migration,), body)(
                name, app
            )


@pytest.mark.parametrize("database", ["fresh", "at the old leaf"])
def test_a_migration_written_against_an_old_leaf_still_resolves(
    database, old_chain, django_db_blocker
) -> None:
    with django_db_blocker.unblock():
        loader = _WithLaterMigrations(None if database == "fresh" else old_chain)
    graph = loader.graph
    # Real later migrations (ec2 0007_tags_indexes...) are leaves beside these.
    assert ("ec2", "9007_later") in graph.leaf_nodes("ec2")
    parents = {parent.key for parent in graph.node_map["ec2", "9007_later"].parents}
    assert parents == {("ec2", "0001_squashed_0006_key_material_pool")}
    plan = graph.forwards_plan(("ec2", "9007_later"))
    assert plan.index(("ec2", "0001_squashed_0006_key_material_pool")) < plan.index(
        ("ec2", "9007_later")
    )
    for key in _WithLaterMigrations.LATER:
        assert key in graph.leaf_nodes(key[0])
    # Only the squashes are in the plan, never the migrations they replace.
    assert ("ec2", "0006_key_material_pool") not in plan
    if database == "at the old leaf":
        assert loader.applied_migrations.keys() >= {
            ("ec2", "0001_squashed_0006_key_material_pool"),
            ("core", "0001_squashed_0003_seal_access_key_secrets"),
        }


def test_every_model_change_has_its_migration() -> None:
    """A model edited without `makemigrations` would build a schema that differs from
    the models: `makemigrations --check` finds nothing to write."""
    from django.core.management import call_command

    call_command("makemigrations", check=True, dry_run=True, verbosity=0)
