"""The two phases, and what the solver really proved in each.

Phase 1 minimises tier-weighted unserved hours (cost only breaking ties); phase 2 holds
what phase 1 serves, demand by demand and hour by hour, and minimises cost. The back-ends
are in planner/solver/backends.py, the time budgets in planner/solver/budget.py.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import pulp

from planner.errors import PlannerError
from planner.formulation.families import Model
from planner.formulation.model import add_constraint
from planner.formulation.objectives import cost_ceiling, coverage_holds, value_of
from planner.formulation.providers import switched_off
from planner.formulation.risk import risk_holds
from planner.models.plan import SolverFacts, SolverPhase
from planner.solver.backends import relative_gap, run
from planner.solver.bounds import unserved_floor
from planner.solver.budget import (
    COVERAGE_SHARE,
    FLOOR_SHARE,
    coverage_share,
    not_run,
    worth_running,
)
from planner.solver.footprint_floor import footprint_floor, worth_trying
from planner.solver.highs import highs_available, snapshot
from planner.solver.period_floor import affordable, period_floor
from planner.solver.search import improve, neighbourhood
from planner.solver.start import complete

STATUS_ORDER = ("optimal", "feasible", "time_limit", "no_solution")


@dataclass
class SolveResult:
    values: dict[str, float]
    facts: SolverFacts
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    stopped: bool = False  # after phase 1, by `keep_going`

    @property
    def status(self) -> str:
        """The worst phase status; a cost phase that found nothing leaves the coverage
        phase's plan, which is feasible but not proven cheapest."""
        phases = self.facts.phases
        if phases and phases[0].status != "no_solution":
            return worst("feasible" if p.name == "cost" and p.status == "no_solution"
                         else p.status for p in phases)
        return worst(p.status for p in phases)


def worst(statuses) -> str:
    return max(statuses, key=STATUS_ORDER.index, default="no_solution")


def solve(model: Model, solver: str = "highs", time_limit: float | None = None,
          gap: float = 1e-4, hint: dict[str, float] | None = None,
          keep_going=None, share: float = COVERAGE_SHARE) -> SolveResult:
    """Phase 1 (coverage) then phase 2 (cost, holding coverage). Returns the best values.

    Phase 1 minimises unserved + eps * cost, with eps * (cost ceiling) half the least
    weighted server-hour (the least tier weight, in an hour before the cut-off if any): the
    cost can never buy a server-hour of coverage, but among plans that serve alike, phase 1
    leans to the cheaper one. Its reported objective is the unserved alone and its bound is
    lowered by eps * ceiling, so both stay about coverage. Phase 2 then holds each tier's
    servers and each service's and the storage's coverage, period by period
    (objectives.coverage_holds), and minimises cost, starting from phase 1's plan.

    `hint` (server counts of a greedy plan, by variable name) gives HiGHS a first incumbent,
    so a time-limited run is never worse than the greedy plan when HiGHS can complete it.
    `keep_going(values)` false after phase 1 stops there (`stopped`: the caller has a model
    for the rest, solver/work.py). `share`: of a time limit, phase 1's part.
    HiGHS missing or failing is not the end: CBC takes over, and the plan says so."""
    lp, seconds, warnings = model.lp, {}, []
    if solver == "highs" and not highs_available():
        solver = "cbc"
        warnings.append("HiGHS (highspy) is not available: solved with CBC instead")
    started = time.perf_counter()
    ceiling = cost_ceiling(model)
    # the least weighted server-hour: the least weight, in the least weighted hour
    inst = model.instance
    least = min(inst.weights.values(), default=1.0) * \
        min((inst.period_weight[t] / inst.period_hours[t] for t in inst.grid), default=1.0)
    # no tie-break when the cost is nil or unbounded: then nothing to lean on, or no safe eps
    eps = 0.5 * least / ceiling if 0 < ceiling < math.inf else 0.0
    lp.setObjective(model.coverage_objective() + eps * model.cost)
    start = complete(lp, hint) if hint and highs_available() else None
    budget = coverage_share(time_limit, started, share)
    ends = None if budget is None else time.perf_counter() + budget  # the phase's time
    sorting = unserved_floor(model) if start is not None else None  # made once, used twice
    proof = start_proven(model, start, gap, sorting) if start is not None else None
    if proof is not None:
        first, values = proof, dict(start)
    elif start is not None and not worth_running(free_columns(model), budget):
        first, values = not_run("coverage", free_columns(model), budget), dict(start)
    else:
        try:
            first = run(lp, solver, budget, aimed(gap), "coverage", start=start,
                         hint=None if start else hint)
        except PlannerError as exc:
            if solver != "highs":
                raise
            solver = "cbc"
            warnings.append(f"HiGHS failed ({exc}): solved with CBC instead")
            first = run(lp, solver, coverage_share(time_limit, started, share), aimed(gap),
                        "coverage", start=start)
        values = snapshot(lp) if first.status != "no_solution" else {}
    if values and proof is None:  # a proof's bound is on the unserved hours already
        first = about_coverage(first, value_of(model.coverage_objective(), values),
                                eps * ceiling if eps else 0.0)
        if not proven(first, gap):  # no bound, a weak one, or one the tie-break lowered
            first = floored(first, coverage_floor(model, time_limit, sorting))
        left = None if ends is None else ends - time.perf_counter()
        if left is not None and not proven(first, gap) and worth_trying(model, left):
            first = floored(first, footprint_floor(model, left))  # what the phase left
    seconds["coverage"] = time.perf_counter() - started
    phases = [within_gap(first, gap)]
    stopped = bool(values) and keep_going is not None \
        and not keep_going(switched_off(model, values))
    if values and not stopped:
        remaining = None if time_limit is None else max(1.0, time_limit - seconds["coverage"])
        started = time.perf_counter()
        second, values = cost_phase(model, values, solver, remaining, gap)
        seconds["cost"] = time.perf_counter() - started
        phases.append(within_gap(second, gap))
    values = switched_off(model, values) if values else values
    variables = lp.variables()
    facts = SolverFacts(
        solver=solver, time_limit_seconds=time_limit, gap_requested=gap,
        variables=len(variables),
        integer_variables=sum(v.cat == pulp.LpInteger for v in variables),
        constraints=lp.numConstraints(), phases=phases)
    return SolveResult(values=values, facts=facts, seconds=seconds, warnings=warnings,
                       stopped=stopped)


def free_columns(model: Model) -> int:
    """The columns the solver works on: all of them, or in a model restricted to some
    candidates (solver/work.py restrict_to) those not fixed by their bounds, which presolve
    takes out first. At 400 executable synthetic servers the team's try on 9 candidates
    counted 37,743 columns, an estimated 19 s, and was not run; HiGHS needed 7 s."""
    if not model.restricted:
        return model.lp.numVariables()
    return sum(1 for v in model.lp.variables()
               if v.lowBound is None or v.upBound is None or v.upBound > v.lowBound)


def cost_phase(model: Model, values: dict[str, float], solver: str = "highs",
               time_limit: float | None = None, gap: float = 1e-4
               ) -> tuple[SolverPhase, dict[str, float]]:
    """The least cost that serves at least what `values` serves, demand by demand and hour
    by hour (objectives.coverage_holds), starting from `values` (a feasible point). When
    the whole model cannot be solved in the time (`worth_running`), HiGHS solves it on the
    candidates `values` uses (planner/solver/search.py). Returns the phase and the best values
    (`values` themselves when the solver found nothing, or was not run because even the
    restriction cannot be solved in the time)."""
    whole = worth_running(model.lp.numVariables(), time_limit)
    if not whole:
        if solver != "highs":  # the search on the plan's candidates is HiGHS's alone
            phase = not_run("cost", model.lp.numVariables(), time_limit)
            return phase.model_copy(update={"objective": value_of(model.cost, values)}), values
        free, used = neighbourhood(model, values)
        if not worth_running(len(free), time_limit):
            phase = not_run("cost", len(free), time_limit,
                             f"restricted to the {used:,} candidates the plan uses, ")
            return phase.model_copy(update={"objective": value_of(model.cost, values)}), values
    for constraint, family in coverage_holds(model, values) + risk_holds(model, values):
        add_constraint(model, constraint, family)
    model.lp.setObjective(model.cost)
    if not whole:
        return _searched(model, values, free, used, time_limit, gap)
    phase = run(model.lp, solver, time_limit, gap, "cost", start=values,
                presolve=model.restricted)
    return phase, (snapshot(model.lp) if phase.status != "no_solution" else values)


def _searched(model: Model, values: dict[str, float], free: set[str], used: int,
              time_limit: float | None, gap: float) -> tuple[SolverPhase, dict[str, float]]:
    """The cost phase on the plan's own candidates (planner/solver/search.py): a plan at least as
    cheap, never proven cheapest over the whole model, so `feasible` (or `time_limit`)
    with no bound."""
    result = improve(model, values, free, time_limit, gap)
    best = result.values if result.values is not None else values
    status = "no_solution" if result.values is None else \
        "feasible" if result.solved else "time_limit"
    raw = (f"restricted to the {used:,} candidates the plan uses ({len(free):,} of "
           f"{model.lp.numVariables():,} columns free): {result.raw_status}")
    return SolverPhase(name="cost", status=status, raw_status=raw,
                       objective=value_of(model.cost, best), bound=None, gap=None), best


# The coverage phase's solver stops at its own gap on unserved + eps * cost; the phase
# reports the gap on the unserved hours alone, against a bound lowered by the tie-break
# (about_coverage), which is a little wider. Asked for exactly the requested gap, a solver
# that stopped at it left the phase "feasible": the 2021 case with its deadline at 48 h
# proved 1.00003e-4 after 92 s, against the 1e-4 asked. It is asked for this much less.
GAP_MARGIN = 1e-3


def aimed(gap: float) -> float:
    """The gap the coverage phase asks of the solver, for the phase to report `gap`."""
    return gap * (1 - GAP_MARGIN)


def about_coverage(phase: SolverPhase, unserved: float, tie_break: float) -> SolverPhase:
    """Phase 1 as a statement about coverage alone: its plan's unserved hours, and a bound
    lowered by the most the cost tie-break can weigh (0 <= eps * cost <= tie_break)."""
    bound = None if phase.bound is None else phase.bound - tie_break
    gap = None if bound is None else relative_gap(unserved, bound)
    return phase.model_copy(update={"objective": unserved, "bound": bound, "gap": gap})


def coverage_floor(model: Model, time_limit: float | None,
                   sorting: float | None = None) -> float:
    """The sorting floor (planner/solver/bounds.py; `sorting` when already made), tightened
    by one LP per period when HiGHS is there and those LPs fit in their share of the time
    limit (planner/solver/period_floor.py)."""
    if highs_available() and affordable(model, None if time_limit is None
                                        else FLOOR_SHARE * time_limit):
        return period_floor(model)
    return unserved_floor(model) if sorting is None else sorting


def start_proven(model: Model, start: dict[str, float], gap: float,
                 floor: float) -> SolverPhase | None:
    """The coverage phase without the solver, when `floor` (the sorting floor, planner/
    solver/bounds.py) already proves the start within `gap`: its unserved hours are within
    `gap` of what no plan can beat. None otherwise (the solver runs)."""
    unserved = value_of(model.coverage_objective(), start)
    if relative_gap(unserved, floor) > gap:
        return None
    return SolverPhase(name="coverage", status="optimal", objective=unserved, bound=floor,
                       gap=relative_gap(unserved, floor),
                       raw_status="not run: the start is within the requested gap of the "
                       "sorting floor, which proves it")


def proven(phase: SolverPhase, gap: float) -> bool:
    """The phase's own reported gap is at most the one asked for."""
    return phase.gap is not None and phase.gap <= gap


def within_gap(phase: SolverPhase, gap: float) -> SolverPhase:
    """"optimal" only when the reported gap is at most `gap`: a solver that stopped within
    its own tolerance, on an objective with the cost tie-break in it, may not have proven
    the coverage within the gap asked (a 2-server inventory reported 0.25). Such a phase
    is "feasible", and says why."""
    if phase.status != "optimal" or proven(phase, gap):
        return phase
    reached = "no gap" if phase.gap is None else f"a gap of {phase.gap:.3g}"
    return phase.model_copy(update={
        "status": "feasible",
        "raw_status": f"{phase.raw_status}; proved {reached}, above the {gap:g} asked"})


def floored(phase: SolverPhase, floor: float) -> SolverPhase:
    """Phase 1 with the better of the solver's bound and `floor` (`coverage_floor`), and the gap
    recomputed against it."""
    if phase.bound is not None and phase.bound >= floor:
        return phase
    gap = relative_gap(phase.objective, floor)
    return phase.model_copy(update={"bound": floor, "gap": gap})
