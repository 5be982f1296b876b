"""The pipeline in one call: prepare the instance, formulate the MILP, make the warm start
from the greedy plans, solve, assemble the Plan, verify it.

Pure apart from the solver; the CLI does the reading and writing around it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from planner.baseline.waves import PLACEMENTS, baseline
from planner.domain.home import bridge_servers
from planner.domain.labour import work_overdue
from planner.domain.location import Geography, Place
from planner.formulation.families import formulate
from planner.formulation.follow import Follow
from planner.formulation.home import formulate_home
from planner.formulation.instance import Instance, prepare
from planner.formulation.location import at_hub, by_stack
from planner.inputs.overrides import check_against_catalog
from planner.models.catalog import Catalog
from planner.models.inventory import Inventory
from planner.models.plan import Override, Plan
from planner.results.assemble import build_plan, plan_work
from planner.results.diagnose import shortfalls
from planner.results.home import build_home
from planner.results.restated import differences
from planner.solver.budget import COVERAGE_SHARE
from planner.solver.home import solve_home
from planner.solver.phases import solve
from planner.solver.warmstart import best_hint, kept_providers
from planner.solver.work import FIRST_TRY_SHARE, solve_with_team
from planner.verify import Violation, verify, verify_or_raise

# The home stage's share of a time limit, on top of it: the bridge is what the deadline
# needs, the home a plan for the weeks after (a 2,000-server synthetic home took HiGHS 19 s
# to prove; the 2021 one 0.2 s).
HOME_SHARE = 0.1


@dataclass
class Run:
    plan: Plan
    seconds: dict[str, float] = field(default_factory=dict)


def plan(inventory: Inventory, catalog: Catalog, solver: str = "highs",
         time_limit: float | None = None, gap: float = 1e-4,
         overrides: Sequence[Override] = (), follow: Follow | None = None) -> Run:
    """Solve and verify. A plan the verifier rejects raises: it is a bug, never a result.
    `overrides` (those that made these inputs, in order) are recorded in the Plan.
    `follow` (a base plan and an hour, formulation/follow.py): keep to what the base plan
    did before that hour (a drill's refusal: `planner drill --at`); the greedy plans know
    nothing of it, so the solver then starts without them (but from hour 0, when there is
    nothing to keep to)."""
    check_against_catalog(inventory, catalog)
    seconds = {}
    started = time.perf_counter()
    instance = prepare(inventory, catalog, follow)
    model = formulate(instance)
    fresh = follow is None or follow.hour == 0  # else the greedy plans know nothing of it
    hint = _greedy_hint(instance, model, team=False) if fresh else None
    seconds["build"] = time.perf_counter() - started
    fits = None if not instance.team_planned else \
        (lambda values: not work_overdue(plan_work(instance, model, values)))
    result = solve(model, solver=solver, time_limit=time_limit, gap=gap, hint=hint,
                   keep_going=fits, share=COVERAGE_SHARE if fits is None else FIRST_TRY_SHARE)
    seconds.update({f"solve_{k}": v for k, v in result.seconds.items()})
    if result.stopped or (fits is not None and result.values and not fits(result.values)):
        spent = sum(seconds.values())  # solver/work.py: the second try, with the team's rows
        model = formulate(instance, work=True)
        fitted = _greedy_hint(instance, model, team=True) if fresh else None
        result = solve_with_team(model, result, solver, None if time_limit is None
                                 else max(1.0, time_limit - spent), gap, start=hint,
                                 fitted=fitted)
        # the plan states the limit asked for, not what was left of it (a wall-clock
        # figure: the same inputs must give the same plan.json)
        result.facts = result.facts.model_copy(update={"time_limit_seconds": time_limit})
        seconds.update({f"solve_{k}": v for k, v in result.seconds.items()})
    started = time.perf_counter()
    built = build_plan(instance, model, result)
    if overrides:
        built = built.model_copy(update={"overrides": list(overrides)})
    seconds["assemble"] = time.perf_counter() - started
    started = time.perf_counter()
    built = with_home(instance, built, time_limit, gap)
    seconds["home"] = time.perf_counter() - started
    started = time.perf_counter()
    verify_or_raise(built)
    seconds["verify"] = time.perf_counter() - started
    return Run(plan=built, seconds=seconds)


def _greedy_hint(instance: Instance, model, team: bool) -> dict[str, float]:
    """The best of the greedy plans (planner/baseline/) as the solver's start: on the hub's
    metro alone, and with each stack in one metro (formulation/location.py), both keeping
    the latency bounds; again on as many providers as the caps allow, when they bind.
    `team`: the greedy plans fit the stated team's hours (the model with the team's rows,
    solver/work.py), else they ask what they need (the first try, which has no such rows)."""
    inventory = instance.inventory
    timed = instance.catalog  # lead times in hours of the clock (domain/calendar.py)
    stacked = by_stack(instance)  # the instance itself where latency is not planned
    starts = [at_hub(instance)] + ([stacked] if stacked is not instance else [])

    def plans(on, caps=True):
        return [baseline(inventory, timed, i, placement=placement, team=team, caps=caps)
                for i in on for placement in PLACEMENTS]

    greedy = plans(starts, caps=False)
    kept = kept_providers(model, greedy)
    if kept is not None:  # the greedy plans again, on as many providers as the caps allow:
        # those the uncapped plans use most, and the first ones used (rule 8)
        greedy = plans([replace(i, candidates=[c for c in i.candidates if c.provider in kept])
                        for i in starts]) + plans(starts)
    return best_hint(model, greedy)


def with_home(bridge: Instance, plan: Plan, time_limit: float | None, gap: float) -> Plan:
    """The plan with its home stage (formulation/home.py): the inputs prepared again to the
    home hour T = 24 x policy.home_day around the bridge's hub, the home MILP solved, its
    rows and dated moves assembled. The plan itself when the policy asks for none, or
    when T is within the bridge's horizon (the bridge is then the home)."""
    policy = plan.inventory.policy
    if policy.home_day is None or 24 * policy.home_day <= plan.horizon_hours:
        return plan
    hour = 24 * policy.home_day
    inventory = plan.inventory.model_copy(update={
        "horizon_hours": hour,
        "policy": policy.model_copy(update={"near_metro": plan.hub or policy.near_metro})})
    inst = prepare(inventory, plan.catalog)
    hub = Place("hub", Geography(plan.catalog).sites[inst.hub]) if inst.hub else None
    model = formulate_home(inst, bridge_servers(plan.schedule, plan.horizon_hours),
                           policy.max_providers_home, hub)
    limit = None if time_limit is None else max(1.0, HOME_SHARE * time_limit)
    phase, values = solve_home(model, plan.solver.solver, limit, gap)  # HiGHS or, where
    # the bridge fell back to it, CBC
    return plan.model_copy(update={"home": build_home(inst, model, phase, values, plan,
                                                      bridge)})


def audit(plan: Plan) -> list[Violation]:
    """`verify(plan)`, then what the plan says of itself that the making code derives from
    its inputs and rows: its time grid (formulation/instance) and its shortfalls with
    their causes and remedies (results/diagnose, the code that wrote them). They explain a
    plan and do not constrain it, so the independent verifier leaves them to this; each
    rewritten, deleted or added cause is named here (results/restated). (The model's size
    is not checked: it would mean formulating.)"""
    violations = verify(plan)
    if violations:
        return violations
    instance = prepare(plan.inventory, plan.catalog)
    grid = (len(instance.grid), instance.grid_exact)
    recorded = plan.solver.periods > 0  # 0: a plan saved before the grid was recorded
    if recorded and (plan.solver.periods, plan.solver.time_grid_exact) != grid:
        return [Violation(constraint="solver", detail=f"periods and time_grid_exact are "
                          f"{plan.solver.periods}, {plan.solver.time_grid_exact}; the inputs "
                          f"give {grid[0]}, {grid[1]}")]
    want = shortfalls(instance, plan.schedule, plan.copies, plan.services, plan.coverage,
                      plan.costs)
    return [Violation(constraint="shortfalls", detail=text)
            for text in differences(plan.shortfalls, want)]
