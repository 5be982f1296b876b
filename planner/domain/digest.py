"""A stable digest of the resolved inputs, so a Plan says exactly what it was made from."""

from __future__ import annotations

import hashlib
import json

from planner.models.catalog import Catalog
from planner.models.inventory import Inventory


def inputs_digest(inventory: Inventory, catalog: Catalog) -> str:
    """sha256 over the canonical JSON (sorted keys, no spaces) of inventory and catalog."""
    payload = {"inventory": inventory.model_dump(mode="json"),
               "catalog": catalog.model_dump(mode="json")}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
