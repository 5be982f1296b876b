"""Pydantic models: what flows between the stages of the pipeline."""

from planner.models.catalog import (
    Catalog,
    Offering,
    Provider,
    ServiceOffering,
    ServiceVendor,
)
from planner.models.inventory import Inventory, WorkloadGroup
from planner.models.plan import Plan

__all__ = [
    "Catalog", "Inventory", "Offering", "Plan", "Provider", "ServiceOffering",
    "ServiceVendor", "WorkloadGroup",
]
