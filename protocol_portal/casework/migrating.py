"""For data migrations that derive rows with the app's own code (so the rules live in one place):
read the live model's rows with only the columns the database has at that migration.

A migration runs on a database at its own point in history; the live model may have columns a
later migration adds (complaints 0006's `channel`), and selecting them fails with "no such
column" on every upgrade that crosses both migrations. The code that derives access never needs
those later columns, so they are deferred."""

from __future__ import annotations

from django.db import models


def rows_as_migrated(apps, model: type[models.Model]) -> models.QuerySet:
    """Every row of the live `model`, in primary-key order, deferring each column the model has
    now that the database does not have yet at the migration running with `apps`."""
    past = apps.get_model(model._meta.app_label, model._meta.model_name)
    present = {field.column for field in past._meta.concrete_fields}
    later = [field.name for field in model._meta.concrete_fields if field.column not in present]
    return model._base_manager.defer(*later).order_by("pk")
