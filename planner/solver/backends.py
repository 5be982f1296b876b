"""The solver back-ends: HiGHS (through highspy) and CBC (PuLP's bundled binary), their
settings, one solve of a PuLP problem, and each back-end's own status, objective, proven
bound and gap read back as a SolverPhase (never PuLP's "Optimal" after a time limit)."""

from __future__ import annotations

import math
import os
import re
import tempfile
import warnings

import pulp

from planner.errors import PlannerError
from planner.models.plan import SolverPhase
from planner.solver.highs import HighsSolver, highs_available

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
# with it, 2.9 s without; 50 what-ifs, bench/whatif_2021.py: 93 s -> 63 s).
SMALL_MODEL_OPTIONS = {"presolve": "off", "mip_heuristic_run_root_reduced_cost": False}
# Presolve on for the coverage phase's LPs. Issue 19 chose the interior-point method too
# (the 2021 root LP: dual simplex 5.2 s, IPM 1.9 s, IPM after presolve 1.3 s); since the
# 2021 case starts on a Saturday evening (issue 23: business-hours lead times, 39 periods)
# and the latency rows follow Hall's condition, simplex after presolve is the quicker: the
# 2021 coverage phase 2.2 s against 5.7 s with IPM. The cost phase starts from the
# coverage plan, where simplex without presolve stays quicker (1.15 s; with presolve 2.0 s).
SMALL_COVERAGE_OPTIONS = {**SMALL_MODEL_OPTIONS, "mip_lp_solver": "simplex", "presolve": "on"}


def highs_solver(time_limit, gap, start=None, hint=None, columns: int = 0,
                 phase: str = "coverage", presolve: bool = False):
    """HiGHS with the options for the phase and the model's size; `presolve` turns it on
    where most columns are fixed (the model with the team's rows on the candidates a plan
    used: its cost phase 3.0 s without, 1.9 s with, on the 2021 team scenario)."""
    if not highs_available():
        return None
    if columns > LARGE_MODEL_COLUMNS:
        options = {"presolve": "on", "mip_lp_solver": "ipm"}
    else:
        options = SMALL_COVERAGE_OPTIONS if phase == "coverage" else SMALL_MODEL_OPTIONS
    if presolve:
        options = {**options, "presolve": "on"}
    solver = HighsSolver(msg=False, timeLimit=time_limit, gapRel=gap, random_seed=0, **options)
    solver.start, solver.hint = start, hint
    return solver


def cbc_solver(time_limit, gap, log_path, warm: bool = False):
    with warnings.catch_warnings():  # bundled CBC is deprecated for PuLP 4; we pin pulp<4
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=gap, threads=1,
                                 logPath=log_path, warmStart=warm,
                                 options=["randomSeed 1", "randomCbcSeed 1"])


def highs_phase(lp: pulp.LpProblem, name: str) -> SolverPhase:
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
    return SolverPhase(name=name, status=ours, raw_status=raw, objective=finite(objective),
                       bound=finite(bound), gap=finite(gap))


CBC_RESULT = re.compile(r"^Result - (.+)$", re.M)
CBC_BOUND = re.compile(r"^Lower bound:\s+(\S+)", re.M)


def cbc_phase(lp: pulp.LpProblem, name: str, log: str) -> SolverPhase:
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
    objective = finite(pulp.value(lp.objective)) if ours != "no_solution" else None
    bound_match = CBC_BOUND.search(log)
    bound = None
    if bound_match:
        bound = finite(float(bound_match.group(1)) + float(lp.objective.constant))
    elif ours == "optimal":
        bound = objective  # CBC prints no bound when it closed the tree exactly
    gap = None
    if objective is not None and bound is not None:
        gap = relative_gap(objective, bound)
    return SolverPhase(name=name, status=ours, raw_status=raw, objective=objective,
                       bound=bound, gap=gap)


def finite(value):
    return None if value is None or not math.isfinite(value) else float(value)


def run(lp: pulp.LpProblem, solver_name: str, time_limit, gap, phase: str,
         start: dict[str, float] | None = None,
         hint: dict[str, float] | None = None, presolve: bool = False) -> SolverPhase:
    """One solve. `start` is a feasible point handed over as the first incumbent (HiGHS:
    setSolution; CBC: its MIP start); `hint` fixes some variables for HiGHS to complete."""
    if solver_name == "highs":
        solver = highs_solver(time_limit, gap, start, hint, columns=lp.numVariables(),
                              phase=phase, presolve=presolve)
        if solver is None:
            raise PlannerError("the HiGHS solver (highspy) is not available; use --solver cbc")
        solve_lp(lp, solver, solver_name)
        return highs_phase(lp, phase)
    if start:  # CBC reads a start from the variables' initial values, which PuLP checks
        for v in lp.variables():  # against the bounds: clip the solver's 1e-11 noise
            value = start.get(v.name, 0.0)
            value = max(v.lowBound, value) if v.lowBound is not None else value
            value = min(v.upBound, value) if v.upBound is not None else value
            v.setInitialValue(round(value) if v.cat == pulp.LpInteger else value)
    with tempfile.TemporaryDirectory(prefix="planner-cbc-") as folder:
        log_path = os.path.join(folder, "cbc.log")
        solve_lp(lp, cbc_solver(time_limit, gap, log_path, warm=bool(start)), solver_name)
        log = open(log_path, encoding="utf-8", errors="replace").read() \
            if os.path.exists(log_path) else ""
    return cbc_phase(lp, phase, log)


def solve_lp(lp: pulp.LpProblem, solver, solver_name: str) -> None:
    try:
        lp.solve(solver)
    except (pulp.PulpSolverError, RuntimeError, OSError) as exc:
        raise PlannerError(f"the {solver_name} solver failed: {exc}") from None


def relative_gap(objective: float, bound: float) -> float:
    """|objective - bound| / |objective|, as the plan reports every phase's gap."""
    return abs(objective - bound) / max(abs(objective), 1e-9)
