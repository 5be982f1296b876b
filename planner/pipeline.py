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
    group cut to what the greedy plan says is serving (dependencies included), then trimmed
    until the spread policy holds at the horizon (the cut can unbalance a group)."""
    inst = model.instance
    index = {(c.group, c.provider, c.offering): ci for ci, c in enumerate(inst.candidates)}
    counts, left = {}, {g: list(v) for g, v in greedy.serving.items()}
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
        if ci is not None:
            counts[ci] = [min(take, model.r[(ci, t)].upBound) if (ci, t) in model.r else 0
                          for t, take in zip(inst.grid, taken)]
    _trim_to_policy(inst, counts)
    return {model.r[(ci, t)].name: float(x) for ci, row in counts.items()
            for t, x in zip(inst.grid, row) if (ci, t) in model.r}


def _trim_to_policy(inst, counts: dict[int, list[float]]) -> None:
    """Take servers off the largest holder of a spread group (at every hour, so none dips)
    until its final placement keeps the max share and the survive-k rule."""
    policy = inst.inventory.policy
    k, kept = policy.survive_provider_losses, 1 - policy.min_surviving_share
    for g, group in inst.groups.items():
        mine = sorted(ci for ci in counts if inst.candidates[ci].group == g)
        while group.spread and mine:
            final: dict[str, float] = {}
            for ci in mine:
                p = inst.candidates[ci].provider
                final[p] = final.get(p, 0) + counts[ci][-1]
            total, largest = sum(final.values()), sorted(final.values(), reverse=True)
            if total <= 0 or (largest[0] <= policy.max_share_per_provider * total + 1e-9
                              and sum(largest[:k]) <= kept * total + 1e-9):
                break
            top = min(final, key=lambda p: (-final[p], p))
            ci = max((ci for ci in mine if inst.candidates[ci].provider == top),
                     key=lambda ci: (counts[ci][-1], -ci))
            cap = counts[ci][-1] - 1
            counts[ci] = [min(x, cap) for x in counts[ci]]


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
