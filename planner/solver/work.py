"""The team's work in two tries (issue 19).

The model without the team's rows is a relaxation of the one with them (formulation/
labour.py): every plan the team can carry out is in it. So the solver first solves that
(fast: 2021 in about 3 s), and when its plan's work fits the team by every hour (the
pipeline checks it with domain/labour.py, as the verifier does), that plan is optimal for
the whole model too. When it does not fit, the model with the team's rows is solved on the
candidates that plan used and those the greedy start used, and its coverage is judged
against the better of the relaxation's bound and the LP bound of the model with the team's
rows, both of which hold for every plan: the gap printed is the real one, never the
restricted model's own. Under a time limit the first try has FIRST_TRY_SHARE of it."""

from __future__ import annotations

import math
import time

import pulp

from planner.formulation.families import Model
from planner.models.plan import SolverPhase
from planner.solver.backends import relative_gap
from planner.solver.highs import HighsSolver, highs_available
from planner.solver.phases import SolveResult, solve, within_gap

# Seconds for the solve with the team's rows when the caller sets no time limit: without a
# bound on it, a team that binds hard can keep HiGHS busy for many minutes.
WORK_SECONDS = 60.0
# Of the second try's time, the LP bound with the team's rows may use this share: unlimited,
# it took 28.8 s of a 6 s limit on 50 executable synthetic servers (157,608 rows then).
LP_SHARE = 0.25
# Of a time limit, the first try's coverage phase may use this share when the team is planned:
# the second try needs the rest. With the usual 0.7 (and HiGHS running over its limit: 29 s
# for 21 s), 400 executable synthetic servers under a 30 s limit left the second try 1 s, in
# which HiGHS found no plan at all: the planner returned none, against a greedy plan that
# served 82% at the deadline.
FIRST_TRY_SHARE = 0.35


def restrict_to(model: Model, *points: dict[str, float]) -> int:
    """Candidates none of `points` (by variable name) uses get no servers; returns how many
    stay. Used at any hour: r never falls but at a refusal (domain/refusal.py), so without
    one that is the last period."""
    kept = {ci for (ci, _), var in model.r.items()
            if any(point.get(var.name, 0) > 0.5 for point in points)}
    for (ci, _), var in model.r.items():
        if ci not in kept:
            var.upBound = 0
    model.restricted = True
    return len(kept)


def solve_with_team(model: Model, relaxed: SolveResult, solver: str,
                    time_limit: float | None, gap: float,
                    start: dict[str, float] | None = None,
                    fitted: dict[str, float] | None = None) -> SolveResult:
    """Solve `model` (built with the team's rows) on the candidates the relaxed plan used,
    and those `start` (the greedy start) and `fitted` (the greedy plan that fits the team,
    handed to the solver as its start) used, in `time_limit` (WORK_SECONDS when None), with
    phase 1's bound and gap restated against the relaxation's bound.

    The start's candidates too, because a relaxed plan spreads over more of them than the
    team can open: at 400 executable synthetic servers, on the relaxed plan's 24 candidates
    the team's plan left 13.21 M weighted hours unserved, on the greedy start's 9 it left
    12.86 M."""
    started = time.perf_counter()
    limit = time_limit or WORK_SECONDS
    bound = max(relaxed.facts.phases[0].bound or -math.inf,
                team_lp_bound(model, LP_SHARE * limit))
    kept = restrict_to(model, relaxed.values, start or {}, fitted or {})
    limit -= time.perf_counter() - started  # what the LP left
    result = solve(model, solver=solver, time_limit=max(1.0, limit), gap=gap, hint=fitted)
    note = (f"with the team's hours, on the {kept} candidates the plan without them "
            f"{'or the greedy start ' if start else ''}used; "
            "bound: the better of the model without the team's hours and the LP with them")
    phases = [_against(p, bound, gap, note) if p.name == "coverage"
              else _restricted(p, note) for p in result.facts.phases]
    result.facts = result.facts.model_copy(update={"phases": phases})
    result.seconds = {"team": time.perf_counter() - started}
    result.warnings = relaxed.warnings + result.warnings
    return result


def team_lp_bound(model: Model, seconds: float | None = None) -> float:
    """The least unserved hours of the LP relaxation of `model` (with the team's rows, on
    every candidate): a bound on every plan the team can carry out, and far above the
    relaxation's when the team binds hard (an imported inventory with 4 people: 195,349
    against 7,459); -inf without HiGHS, or when the LP is not solved to optimality within
    `seconds` (None: no limit)."""
    if not highs_available():
        return -math.inf
    model.lp.setObjective(model.unserved)
    import highspy

    model.lp.solve(HighsSolver(msg=False, mip=False, timeLimit=seconds))
    # HiGHS's own status: PuLP calls an LP stopped at its time limit "Optimal", and its
    # objective then is no bound (1,916,853 against a plan's 1,721,286 unserved hours)
    if model.lp.solverModel.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return -math.inf
    return float(pulp.value(model.lp.objective))


def _against(phase: SolverPhase, bound: float, gap: float, note: str) -> SolverPhase:
    """Phase 1 with a bound on every plan (`bound`), the gap against it."""
    bound = bound if math.isfinite(bound) else None
    if phase.objective is None or bound is None:
        return phase.model_copy(update={"bound": bound, "gap": None,
                                        "raw_status": f"{phase.raw_status} ({note})"})
    stated = relative_gap(phase.objective, bound)
    status = "optimal" if stated <= gap else \
        ("feasible" if phase.status == "optimal" else phase.status)
    return within_gap(phase.model_copy(update={
        "bound": bound, "gap": stated, "status": status,
        "raw_status": f"{phase.raw_status} ({note})"}), gap)


def _restricted(phase: SolverPhase, note: str) -> SolverPhase:
    """The cost phase on the restricted candidates: cheapest among them, not proven over all."""
    status = "feasible" if phase.status == "optimal" else phase.status
    return phase.model_copy(update={"status": status, "bound": None, "gap": None,
                                    "raw_status": f"{phase.raw_status} ({note})"})
