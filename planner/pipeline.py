"""The pipeline in one call: prepare, formulate, solve, assemble the Plan, verify it.

Pure apart from the solver; the CLI does the reading and writing around it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pydantic import ValidationError

from planner.assemble import build_plan
from planner.errors import PlannerError
from planner.formulate import formulate
from planner.models.catalog import Catalog
from planner.models.inventory import Inventory
from planner.models.plan import Plan
from planner.prepare import prepare
from planner.solve import solve
from planner.verify import verify_or_raise


@dataclass
class Run:
    plan: Plan
    seconds: dict[str, float] = field(default_factory=dict)


def with_overrides(inventory: Inventory, deadline_hours: int | None = None,
                   exclude: tuple[str, ...] = (),
                   max_fact_age_days: int | None = None) -> Inventory:
    """The inventory with command-line overrides applied, validated again as a whole."""
    data = inventory.model_dump()
    if deadline_hours is not None:
        data["deadline_hours"] = deadline_hours
    if max_fact_age_days is not None:
        data["policy"]["max_fact_age_days"] = max_fact_age_days
    if exclude:
        policy = data["policy"]
        policy["excluded_providers"] = sorted(set(policy["excluded_providers"]) | set(exclude))
    try:
        return Inventory.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "inventory"
        raise PlannerError(f"override rejected: {where}: {first['msg']}") from None


def plan(inventory: Inventory, catalog: Catalog, solver: str = "highs",
         time_limit: float | None = None, gap: float = 1e-4) -> Run:
    """Solve and verify. A plan the verifier rejects raises: it is a bug, never a result."""
    seconds = {}
    started = time.perf_counter()
    instance = prepare(inventory, catalog)
    model = formulate(instance)
    seconds["build"] = time.perf_counter() - started
    result = solve(model, solver=solver, time_limit=time_limit, gap=gap)
    seconds.update({f"solve_{k}": v for k, v in result.seconds.items()})
    started = time.perf_counter()
    built = build_plan(instance, model, result)
    verify_or_raise(built)
    seconds["assemble_verify"] = time.perf_counter() - started
    return Run(plan=built, seconds=seconds)
