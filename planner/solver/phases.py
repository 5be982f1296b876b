"""Solve: run the two phases and report what the solver really proved.

Phase 1 minimises tier-weighted unserved hours (cost only breaking ties); phase 2 holds
what phase 1 serves, demand by demand and hour by hour, and minimises cost. Statuses come
from the solver itself (HiGHS model status, CBC solution status), never from PuLP's
"Optimal" after a time limit.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import time
import warnings
from dataclasses import dataclass, field

import pulp

from planner.errors import PlannerError
from planner.formulation.families import Model
from planner.formulation.model import add_constraint
from planner.formulation.objectives import cost_ceiling, coverage_holds, value_of
from planner.models.plan import SolverFacts, SolverPhase
from planner.solver.bounds import unserved_floor
from planner.solver.highs import HighsSolver, highs_available, snapshot
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

    @property
    def status(self) -> str:
        """The worst phase status; a cost phase that found nothing leaves the coverage
        phase's plan, which is feasible but not proven cheapest."""
        phases = self.facts.phases
        if phases and phases[0].status != "no_solution":
            return worst("feasible" if p.name == "cost" and p.status == "no_solution"
                         else p.status for p in phases)
        return worst(p.status for p in phases)


def relative_gap(objective: float, bound: float) -> float:
    """|objective - bound| / |objective|, as the plan reports every phase's gap."""
    return abs(objective - bound) / max(abs(objective), 1e-9)


def worst(statuses) -> str:
    return max(statuses, key=STATUS_ORDER.index, default="no_solution")


# Above this many columns the root relaxation is the wall: dual simplex did not finish it in
# 30 s on the 400-server synthetic case (12,789 columns), the interior-point method with
# presolve did in 4 s and reached a 0.016% gap (bench/run.py). Below it, simplex without
# presolve is faster (2021 coverage phase, ~5,000 columns: 2.8 s against 5.1 s with IPM).
LARGE_MODEL_COLUMNS = 10_000

# HiGHS settings below LARGE_MODEL_COLUMNS. Presolve off: the formulation already leaves out
# variables with no capacity and rows that cannot bind, and on the 2021 case presolve's
# restarts cost more than they save (phase 1: 2.2 s with it, 1.2 s without). The root
# reduced-cost heuristic off: its sub-MIP is where the 2021 drill's coverage phases spent
# their time, their root LP being within 3e-6 of the optimum ("leaseweb refuses": 7.8 s
# with it, 2.9 s without). 50 what-ifs of the 2021 case (bench/whatif_2021.py): 93 s -> 63 s.
# The 2021 plan is the same; 8 of the 23 drill plans hold another phase-1 point as good
# (within 1.4e-6) and so cost otherwise in phase 2 (-457 to +951 a month, -582 in all).
SMALL_MODEL_OPTIONS = {"presolve": "off", "mip_heuristic_run_root_reduced_cost": False}


def _highs(time_limit, gap, start=None, hint=None, columns: int = 0):
    if not highs_available():
        return None
    options = {"presolve": "on", "mip_lp_solver": "ipm"} \
        if columns > LARGE_MODEL_COLUMNS else SMALL_MODEL_OPTIONS
    solver = HighsSolver(msg=False, timeLimit=time_limit, gapRel=gap, random_seed=0, **options)
    solver.start, solver.hint = start, hint
    return solver


def _cbc(time_limit, gap, log_path, warm: bool = False):
    with warnings.catch_warnings():  # bundled CBC is deprecated for PuLP 4; we pin pulp<4
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=gap, threads=1,
                                 logPath=log_path, warmStart=warm,
                                 options=["randomSeed 1", "randomCbcSeed 1"])


def _highs_phase(lp: pulp.LpProblem, name: str) -> SolverPhase:
    import highspy

    h = lp.solverModel
    status = h.getModelStatus()
    info = h.getInfo()
    raw = h.modelStatusToString(status)
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    objective = info.objective_function_value if has_solution else None
    is_mip = any(v.cat == pulp.LpInteger for v in lp.variables())
    bound = info.mip_dual_bound if is_mip else objective
    gap = info.mip_gap if is_mip else (0.0 if objective is not None else None)
    if status == highspy.HighsModelStatus.kOptimal:
        ours = "optimal"
    elif has_solution and status in (highspy.HighsModelStatus.kTimeLimit,
                                     highspy.HighsModelStatus.kInterrupt,
                                     highspy.HighsModelStatus.kIterationLimit,
                                     highspy.HighsModelStatus.kSolutionLimit):
        ours = "time_limit"
    elif has_solution:
        ours = "feasible"
    else:
        ours = "no_solution"
    return SolverPhase(name=name, status=ours, raw_status=raw, objective=_finite(objective),
                       bound=_finite(bound), gap=_finite(gap))


CBC_RESULT = re.compile(r"^Result - (.+)$", re.M)
CBC_BOUND = re.compile(r"^Lower bound:\s+(\S+)", re.M)


def _cbc_phase(lp: pulp.LpProblem, name: str, log: str) -> SolverPhase:
    """CBC's status from PuLP's solution status; its proven bound read from its own log
    (PuLP does not pass it on), shifted by the objective's constant, which CBC never saw."""
    result = CBC_RESULT.search(log)
    raw = result.group(1) if result else f"{pulp.LpStatus[lp.status]} / " \
        f"{pulp.LpSolution[lp.sol_status]}"
    if lp.sol_status == pulp.LpSolutionOptimal:
        ours = "optimal"
    elif lp.sol_status == pulp.LpSolutionIntegerFeasible:
        ours = "time_limit"
    else:
        ours = "no_solution"
    objective = _finite(pulp.value(lp.objective)) if ours != "no_solution" else None
    bound_match = CBC_BOUND.search(log)
    bound = None
    if bound_match:
        bound = _finite(float(bound_match.group(1)) + float(lp.objective.constant))
    elif ours == "optimal":
        bound = objective  # CBC prints no bound when it closed the tree exactly
    gap = None
    if objective is not None and bound is not None:
        gap = relative_gap(objective, bound)
    return SolverPhase(name=name, status=ours, raw_status=raw, objective=objective,
                       bound=bound, gap=gap)


def _finite(value):
    return None if value is None or not math.isfinite(value) else float(value)


def _run(lp: pulp.LpProblem, solver_name: str, time_limit, gap, phase: str,
         start: dict[str, float] | None = None,
         hint: dict[str, float] | None = None) -> SolverPhase:
    """One solve. `start` is a feasible point handed over as the first incumbent (HiGHS:
    setSolution; CBC: its MIP start); `hint` fixes some variables for HiGHS to complete."""
    if solver_name == "highs":
        solver = _highs(time_limit, gap, start, hint, columns=lp.numVariables())
        if solver is None:
            raise PlannerError("the HiGHS solver (highspy) is not available; use --solver cbc")
        _solve(lp, solver, solver_name)
        return _highs_phase(lp, phase)
    if start:  # CBC reads a start from the variables' initial values, which PuLP checks
        for v in lp.variables():  # against the bounds: clip the solver's 1e-11 noise
            value = start.get(v.name, 0.0)
            value = max(v.lowBound, value) if v.lowBound is not None else value
            value = min(v.upBound, value) if v.upBound is not None else value
            v.setInitialValue(round(value) if v.cat == pulp.LpInteger else value)
    with tempfile.TemporaryDirectory(prefix="planner-cbc-") as folder:
        log_path = os.path.join(folder, "cbc.log")
        _solve(lp, _cbc(time_limit, gap, log_path, warm=bool(start)), solver_name)
        log = open(log_path, encoding="utf-8", errors="replace").read() \
            if os.path.exists(log_path) else ""
    return _cbc_phase(lp, phase, log)


def _solve(lp: pulp.LpProblem, solver, solver_name: str) -> None:
    try:
        lp.solve(solver)
    except (pulp.PulpSolverError, RuntimeError, OSError) as exc:
        raise PlannerError(f"the {solver_name} solver failed: {exc}") from None


def solve(model: Model, solver: str = "highs", time_limit: float | None = None,
          gap: float = 1e-4, hint: dict[str, float] | None = None) -> SolveResult:
    """Phase 1 (coverage) then phase 2 (cost, holding coverage). Returns the best values.

    Phase 1 minimises unserved + eps * cost, with eps * (cost ceiling) half the least
    weighted server-hour: the cost can never buy a server-hour of coverage, but among plans
    that serve alike, phase 1 leans to the cheaper one. Its reported objective is the
    unserved alone and its bound is lowered by eps * ceiling, so both stay about coverage.
    Phase 2 then holds every group's, service's and storage's coverage hour by hour
    (objectives.coverage_holds) and minimises cost, starting from phase 1's plan.

    `hint` (server counts of a greedy plan, by variable name) gives HiGHS a first incumbent,
    so a time-limited run is never worse than the greedy plan when HiGHS can complete it.
    HiGHS missing or failing is not the end: CBC takes over, and the plan says so."""
    lp, seconds, warnings = model.lp, {}, []
    if solver == "highs" and not highs_available():
        solver = "cbc"
        warnings.append("HiGHS (highspy) is not available: solved with CBC instead")
    started = time.perf_counter()
    ceiling = cost_ceiling(model)
    weights = model.instance.weights.values()
    # no tie-break when the cost is nil or unbounded: then nothing to lean on, or no safe eps
    eps = 0.5 * min(weights, default=1.0) / ceiling if 0 < ceiling < math.inf else 0.0
    lp.setObjective(model.unserved + eps * model.cost)
    start = complete(lp, hint) if hint and highs_available() else None
    budget = _coverage_share(time_limit, started)
    if start is not None and not worth_running(lp.numVariables(), budget):
        first, values = _not_run("coverage", lp.numVariables(), budget), dict(start)
    else:
        try:
            first = _run(lp, solver, budget, gap, "coverage", start=start,
                         hint=None if start else hint)
        except PlannerError as exc:
            if solver != "highs":
                raise
            solver = "cbc"
            warnings.append(f"HiGHS failed ({exc}): solved with CBC instead")
            first = _run(lp, solver, _coverage_share(time_limit, started), gap, "coverage",
                         start=start)
        values = snapshot(lp) if first.status != "no_solution" else {}
    if values:
        first = _about_coverage(first, value_of(model.unserved, values),
                                eps * ceiling if eps else 0.0)
        if first.status != "optimal":  # HiGHS may have stopped with no bound, or a weak one
            first = floored(first, _floor(model, time_limit))
    seconds["coverage"] = time.perf_counter() - started
    phases = [first]
    if values:
        remaining = None if time_limit is None else max(1.0, time_limit - seconds["coverage"])
        started = time.perf_counter()
        second, values = cost_phase(model, values, solver, remaining, gap)
        seconds["cost"] = time.perf_counter() - started
        phases.append(second)
    variables = lp.variables()
    facts = SolverFacts(
        solver=solver, time_limit_seconds=time_limit, gap_requested=gap,
        variables=len(variables),
        integer_variables=sum(v.cat == pulp.LpInteger for v in variables),
        constraints=lp.numConstraints(), phases=phases)
    return SolveResult(values=values, facts=facts, seconds=seconds, warnings=warnings)


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
            phase = _not_run("cost", model.lp.numVariables(), time_limit)
            return phase.model_copy(update={"objective": value_of(model.cost, values)}), values
        free, used = neighbourhood(model, values)
        if not worth_running(len(free), time_limit):
            phase = _not_run("cost", len(free), time_limit,
                             f"restricted to the {used:,} candidates the plan uses, ")
            return phase.model_copy(update={"objective": value_of(model.cost, values)}), values
    for constraint, family in coverage_holds(model, values):
        add_constraint(model, constraint, family)
    model.lp.setObjective(model.cost)
    if not whole:
        return _searched(model, values, free, used, time_limit, gap)
    phase = _run(model.lp, solver, time_limit, gap, "cost", start=values)
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


# Below this many seconds per column of a large model, a MIP run cannot improve on its start:
# HiGHS spends its first 0.3-0.5 ms per column on presolve, set-up and the root relaxation
# (400 synthetic servers, 12,789 columns: root LP 4 s; 2,000: 69,676 columns, 27 s;
# 10,000: 244,021 columns, 25 s of set-up before the root LP starts), overruns a shorter limit
# (44 s against 21 s) and holds GBs while doing so (4.3 GB). Then the start is the plan.
SECONDS_PER_COLUMN = 5e-4


def worth_running(columns: int, time_limit: float | None) -> bool:
    return time_limit is None or columns <= LARGE_MODEL_COLUMNS \
        or time_limit >= columns * SECONDS_PER_COLUMN


def _not_run(name: str, columns: int, time_limit: float, scope: str = "") -> SolverPhase:
    """A phase not handed to the solver: its `columns` (the whole model's, or those free in
    the `scope` named) would need more than `time_limit`."""
    need = columns * SECONDS_PER_COLUMN
    kept = "the start (the greedy plan, completed) is the plan" if name == "coverage" \
        else "the coverage phase's plan is kept"
    return SolverPhase(
        name=name, status="time_limit", objective=None, bound=None, gap=None,
        raw_status=f"not run: {scope}{columns:,} columns need about {need:,.0f} s before "
                   f"the solver can improve on its start, {time_limit:,.0f} s were left; "
                   f"{kept}")


# Of a time limit, the coverage phase may use this share; the cost phase has the rest (and
# what the coverage phase did not use). With all of it, the 400-server synthetic case left
# the cost phase 1 s and a 59% gap.
COVERAGE_SHARE = 0.7


def _coverage_share(time_limit: float | None, started: float) -> float | None:
    """The coverage phase's time: its share of the limit, less what completing the start
    has already used (at least 1 s)."""
    if time_limit is None:
        return None
    return max(1.0, COVERAGE_SHARE * time_limit - (time.perf_counter() - started))


def _about_coverage(phase: SolverPhase, unserved: float, tie_break: float) -> SolverPhase:
    """Phase 1 as a statement about coverage alone: its plan's unserved hours, and a bound
    lowered by the most the cost tie-break can weigh (0 <= eps * cost <= tie_break)."""
    bound = None if phase.bound is None else phase.bound - tie_break
    gap = None if bound is None else relative_gap(unserved, bound)
    return phase.model_copy(update={"objective": unserved, "bound": bound, "gap": gap})


# Of a time limit, the per-period LP floor may use this share (planner/solver/period_floor.py).
FLOOR_SHARE = 0.25


def _floor(model: Model, time_limit: float | None) -> float:
    """The sorting floor (planner/solver/bounds.py), tightened by one LP per period when HiGHS is
    there and those LPs fit in their share of the time limit (planner/solver/period_floor.py)."""
    if highs_available() and affordable(model, None if time_limit is None
                                        else FLOOR_SHARE * time_limit):
        return period_floor(model)
    return unserved_floor(model)


def floored(phase: SolverPhase, floor: float) -> SolverPhase:
    """Phase 1 with the better of the solver's bound and `floor` (`_floor`), and the gap
    recomputed against it."""
    if phase.bound is not None and phase.bound >= floor:
        return phase
    gap = relative_gap(phase.objective, floor)
    return phase.model_copy(update={"bound": floor, "gap": gap})
