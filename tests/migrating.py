"""Moving the test database through its migration history, for tests of data migrations."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Take the database to `targets` ((app, migration) pairs) and return the apps as they were
    there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    """Bring every app back to its latest migration: a data-migration test must leave the
    database as the rest of the suite expects it, whatever happened."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
