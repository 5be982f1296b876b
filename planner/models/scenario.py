"""Scenario models: what-if overrides applied to an inventory and a catalog before planning."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from planner.models.base import Printable, StrictModel


class Scenario(StrictModel):
    """A named set of overrides. Shorthands come first, then dotted-path `set` overrides
    (`deadline_hours`, `policy.survive_provider_losses`, `catalog.hetzner-cloud.quota_servers`)."""

    name: Printable = Field(min_length=1, max_length=200)
    description: Printable | None = None
    deadline_hours: int | None = Field(None, ge=1, le=8760)
    exclude: list[str] = Field(default_factory=list)
    only: list[str] | None = None
    budget: float | None = Field(None, ge=0, description="Shorthand: the one-time budget.")
    one_time_budget: float | None = Field(None, ge=0)
    monthly_budget: float | None = Field(None, ge=0)
    set: dict[str, Any] = Field(default_factory=dict)
