"""What-if cases: the inputs after one scenario's or one swept value's overrides, each a
whole case to plan on its own."""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.errors import PlannerError
from planner.formulation.follow import Follow
from planner.inputs.overrides import BASE, apply
from planner.models.catalog import Catalog
from planner.models.inventory import Inventory
from planner.models.scenario import Scenario


@dataclass(frozen=True)
class Case:
    name: str
    inventory: Inventory
    catalog: Catalog
    description: str | None = None
    parameter: float | str | None = None
    # a drill's re-plan keeps to its base plan before the refusal (formulation/follow.py):
    # pipeline.plan(..., follow=case.follow)
    follow: Follow | None = None


def scenario_cases(inventory: Inventory, catalog: Catalog, scenarios: list,
                   extra_sets: dict | None = None, include_base: bool = True) -> list[Case]:
    """One case per scenario, each applied to the base inputs; the base first unless told."""
    chosen = ([BASE] if include_base else []) + list(scenarios)
    if not chosen:
        raise PlannerError("nothing to compare: give -s FILE, or drop --no-base")
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
        values = [float(x) for x in spec.split(",") if x.strip()]
        if not values or not all(math.isfinite(v) for v in values):
            raise ValueError
        return values
    except ValueError:
        raise PlannerError(f"--param values {spec!r}: expected a,b,c or start:stop:step "
                           "with a positive step") from None


def sweep_cases(inventory: Inventory, catalog: Catalog, param: str,
                extra_sets: dict | None = None) -> tuple[str, list[Case]]:
    path, sep, spec = param.partition("=")
    path = path.strip()
    if not sep or not path:
        raise PlannerError(f"--param {param!r}: expected PATH=VALUES, such as "
                           "deadline_hours=12,24,36")
    cases = []
    for value in parse_values(spec):
        number = int(value) if float(value).is_integer() else value
        name = f"{path}={number}"
        scenario = Scenario(name=name, set={path: number})
        inv, cat = apply(inventory, catalog, scenario, extra_sets)
        cases.append(Case(name, inv, cat, parameter=number))
    return path, cases
