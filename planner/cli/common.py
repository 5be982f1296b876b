"""What the commands share: the catalog they read (the shipped layers, then the user's)."""

from __future__ import annotations

import datetime
from pathlib import Path

from planner.errors import PlannerError
from planner.inputs import loader
from planner.models.catalog import Catalog


def load_catalog(paths: tuple[Path, ...], no_default: bool) -> Catalog:
    """The shipped catalog (unless `no_default`) with the `-c` layers over it, in order."""
    layers = ([] if no_default else loader.shipped_catalog_paths()) + list(paths)
    if not layers:
        raise PlannerError("no catalog: give -c FILE or drop --no-default-catalog")
    return loader.load_catalog(layers)


def today() -> str:
    """Today in UTC, YYYY-MM-DD: the decision date of an inventory that gives none."""
    return datetime.datetime.now(datetime.UTC).date().isoformat()
