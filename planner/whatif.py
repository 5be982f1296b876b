"""What-if: a loop around the pipeline. Cases (inputs after overrides) are solved in
parallel processes; rows and differences are pure functions of the resulting Plans.

Results are in case order and each case is solved alone, with the same solver settings,
so they do not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from planner import pipeline
from planner.errors import PlannerError
from planner.highs_adapter import use_threads
from planner.models.catalog import Catalog
from planner.models.comparison import Change, Comparison, Moved, ScenarioRow
from planner.models.inventory import Inventory
from planner.models.plan import Plan
from planner.models.scenario import Scenario
from planner.scenario import BASE, apply


@dataclass(frozen=True)
class Case:
    name: str
    inventory: Inventory
    catalog: Catalog
    description: str | None = None
    parameter: float | str | None = None


@dataclass(frozen=True)
class Settings:
    solver: str = "highs"
    time_limit: float | None = None
    gap: float = 1e-4


# HiGHS threads per case: the cases run side by side, one per core (highs_adapter.use_threads)
CASE_THREADS = 1


def _solve(args: tuple[Case, Settings]) -> Plan:
    case, settings = args
    return pipeline.plan(case.inventory, case.catalog, solver=settings.solver,
                         time_limit=settings.time_limit, gap=settings.gap).plan


def default_workers(cases: int) -> int:
    return max(1, min(cases, os.cpu_count() or 1))


def solve_all(cases: list[Case], settings: Settings, workers: int | None = None,
              progress: Callable[[int], None] | None = None) -> list[Plan]:
    """Plans for `cases`, in order. `progress(n)` is called as each one finishes."""
    workers = workers or default_workers(len(cases))
    jobs = [(case, settings) for case in cases]
    if workers == 1 or len(cases) == 1:
        plans = []
        use_threads(CASE_THREADS)  # the same settings as in a worker: the same plans
        try:
            for job in jobs:
                plans.append(_solve(job))
                progress and progress(1)
        finally:
            use_threads(None)
        return plans
    # spawn, not fork: a forked child could inherit a solver's threads mid-state.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=use_threads, initargs=(CASE_THREADS,)) as pool:
        plans = []
        for plan in pool.map(_solve, jobs):
            plans.append(plan)
            progress and progress(1)
    return plans


def losses_survived(plan: Plan) -> int:
    """Largest k such that losing any k providers at the horizon leaves every spread group
    at least its policy's surviving share (the k largest shares sum to at most 1 - share)."""
    H, keep = plan.horizon_hours, plan.inventory.policy.min_surviving_share
    shares_by_group = []
    for group in plan.inventory.groups:
        placed: dict[str, int] = {}
        for row in plan.schedule:
            if row.group == group.name and row.up_by_hour[H]:
                placed[row.provider] = placed.get(row.provider, 0) + row.up_by_hour[H]
        total = sum(placed.values())
        if group.spread and total:
            shares_by_group.append(sorted((n / total for n in placed.values()), reverse=True))
    if not shares_by_group:
        return 0
    k = 0
    while all(sum(shares[: k + 1]) <= 1 - keep + 1e-9 for shares in shares_by_group):
        k += 1
        if all(k >= len(shares) for shares in shares_by_group):
            break
    return k


def row(plan: Plan, name: str, description: str | None = None,
        parameter: float | str | None = None) -> ScenarioRow:
    total = plan.servers_total or 1
    coverage = [sum(r.up_by_hour[t] for r in plan.schedule) / total
                for t in range(plan.horizon_hours + 1)]
    return ScenarioRow(
        name=name, description=description, parameter=parameter, status=plan.status,
        gap=max((p.gap for p in plan.solver.phases if p.gap is not None), default=None),
        servers_at_deadline=plan.servers_at_deadline, servers_total=plan.servers_total,
        coverage_at_deadline=plan.coverage_at_deadline,
        full_coverage_hour=plan.full_coverage_hour, one_time_cost=plan.costs.one_time_total,
        monthly_cost=plan.costs.monthly_total, providers_used=plan.providers_used,
        losses_survived=losses_survived(plan),
        shortfalls=[s.demand for s in plan.shortfalls],
        coverage_by_hour=[round(c, 6) for c in coverage], inputs_digest=plan.inputs_digest)


def _placement(plan: Plan) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for a in plan.assignments:
        out[(a.group, a.provider)] = out.get((a.group, a.provider), 0) + a.count
    return out


def change(first: Plan, other: Plan, name: str) -> Change:
    """What `other` does differently from `first`."""
    before, after = _placement(first), _placement(other)
    moved = [Moved(group=g, provider=p, servers_before=before.get((g, p), 0),
                   servers_after=after.get((g, p), 0))
             for g, p in sorted(set(before) | set(after))
             if before.get((g, p), 0) != after.get((g, p), 0)]
    return Change(
        name=name,
        providers_added=sorted(set(other.providers_used) - set(first.providers_used)),
        providers_dropped=sorted(set(first.providers_used) - set(other.providers_used)),
        moved=moved,
        coverage_delta=difference(other.coverage_at_deadline, first.coverage_at_deadline, 9),
        servers_at_deadline_delta=other.servers_at_deadline - first.servers_at_deadline,
        one_time_delta=difference(other.costs.one_time_total, first.costs.one_time_total, 6),
        monthly_delta=difference(other.costs.monthly_total, first.costs.monthly_total, 6))


def difference(new: float, old: float, digits: int) -> float:
    """new - old rounded to `digits`, never -0.0: a plan that costs a rounding error less
    must read 0.00, not -0.00."""
    return round(new - old, digits) + 0.0


def scenario_cases(inventory: Inventory, catalog: Catalog, scenarios: list,
                   extra_sets: dict | None = None, include_base: bool = True) -> list[Case]:
    """One case per scenario, each applied to the base inputs; the base first unless told."""
    chosen = ([BASE] if include_base else []) + list(scenarios)
    names = [s.name for s in chosen]
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise PlannerError(f"scenario names repeat: {repeated}")
    cases = []
    for scenario in chosen:
        inv, cat = apply(inventory, catalog, scenario, extra_sets)
        cases.append(Case(scenario.name, inv, cat, scenario.description))
    return cases


def parse_values(spec: str) -> list[float]:
    """`12,24,36` or a range `12:72:12` (inclusive)."""
    try:
        if ":" in spec:
            start, stop, step = (float(x) for x in spec.split(":"))
            if step <= 0 or stop < start:
                raise ValueError
            count = int((stop - start) / step + 1e-9) + 1
            return [start + i * step for i in range(count)]
        return [float(x) for x in spec.split(",") if x.strip()]
    except ValueError:
        raise PlannerError(f"--param values {spec!r}: expected a,b,c or start:stop:step "
                           "with a positive step") from None


def sweep_cases(inventory: Inventory, catalog: Catalog, param: str,
                extra_sets: dict | None = None) -> tuple[str, list[Case]]:
    path, sep, spec = param.partition("=")
    if not sep:
        raise PlannerError(f"--param {param!r}: expected PATH=VALUES")
    cases = []
    for value in parse_values(spec):
        number = int(value) if float(value).is_integer() else value
        name = f"{path}={number}"
        scenario = Scenario(name=name, set={path: number})
        inv, cat = apply(inventory, catalog, scenario, extra_sets)
        cases.append(Case(name, inv, cat, parameter=number))
    return path, cases


def comparison(title: str, cases: list[Case], plans: list[Plan],
               parameter: str | None = None) -> Comparison:
    first = plans[0]
    return Comparison(
        title=title, inventory=first.inventory.name, deadline_hours=first.deadline_hours,
        currency=first.costs.currency, parameter=parameter,
        rows=[row(p, c.name, c.description, c.parameter) for c, p in zip(cases, plans)],
        changes=[change(first, p, c.name) for c, p in zip(cases[1:], plans[1:])])
