"""The pipeline in one call: prepare, formulate, solve, assemble the Plan, verify it.

Pure apart from the solver; the CLI does the reading and writing around it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pydantic import ValidationError

from planner.assemble import build_plan
from planner.baseline import baseline
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


def greedy_hint(model, greedy) -> dict[str, float]:
    """The greedy plan's servers as values of the model's r variables (those it has), each
    group cut to what the greedy plan says is serving (dependencies included)."""
    inst = model.instance
    index = {(c.group, c.provider, c.offering): ci for ci, c in enumerate(inst.candidates)}
    hint, left = {}, {g: list(v) for g, v in greedy.serving.items()}
    for row in greedy.servers:
        ci = index.get((row.group, row.provider, row.offering))
        serving = left.get(row.group)
        taken = []
        for t in inst.grid:
            take = min(row.up_by_hour[t], serving[t]) if serving else row.up_by_hour[t]
            if serving:
                serving[t] -= take
            taken.append(take)
        for i in range(len(taken) - 2, -1, -1):  # servers stay up: no dips
            taken[i] = min(taken[i], taken[i + 1])
        for t, take in zip(inst.grid, taken):
            var = model.r.get((ci, t)) if ci is not None else None
            if var is not None:
                hint[var.name] = float(min(take, var.upBound))
    return hint


def plan(inventory: Inventory, catalog: Catalog, solver: str = "highs",
         time_limit: float | None = None, gap: float = 1e-4) -> Run:
    """Solve and verify. A plan the verifier rejects raises: it is a bug, never a result."""
    seconds = {}
    started = time.perf_counter()
    instance = prepare(inventory, catalog)
    model = formulate(instance)
    hint = greedy_hint(model, baseline(inventory, catalog, instance))
    seconds["build"] = time.perf_counter() - started
    result = solve(model, solver=solver, time_limit=time_limit, gap=gap, hint=hint)
    seconds.update({f"solve_{k}": v for k, v in result.seconds.items()})
    started = time.perf_counter()
    built = build_plan(instance, model, result)
    verify_or_raise(built)
    seconds["assemble_verify"] = time.perf_counter() - started
    return Run(plan=built, seconds=seconds)
