"""Pydantic models: what flows between the stages of the pipeline."""

from planner.models.catalog import Catalog, Provider, ServiceOffering, ServiceVendor
from planner.models.groups import WorkloadGroup
from planner.models.inventory import Inventory
from planner.models.plan import Plan
from planner.models.provider_facts import Offering

__all__ = [
    "Catalog", "Inventory", "Offering", "Plan", "Provider", "ServiceOffering",
    "ServiceVendor", "WorkloadGroup",
]
