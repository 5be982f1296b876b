"""The team's work in two tries (issue 19).

The model without the team's rows is a relaxation of the one with them (formulation/
labour.py): every plan the team can carry out is in it. So the solver first solves that
(fast: 2021 in about 3 s), and when its plan's work fits the team by every hour (the
pipeline checks it with domain/labour.py, as the verifier does), that plan is optimal for
the whole model too. When it does not fit, the model with the team's rows is solved on the
candidates that plan and the greedy starts used, from the greedy plan that keeps to the
team (planner/baseline/, rule 7), then, when far from the bound, on every candidate of
their providers; its coverage is judged against the best of the relaxation's bound, the
per-period floor with the team's hours and the LP bound of the model with the team's rows,
all of which hold for every plan: the gap printed is the real one, never the restricted
model's own. Under a time limit the first try has FIRST_TRY_SHARE of it."""

from __future__ import annotations

import math
import time

import pulp

from planner.formulation.families import Model
from planner.formulation.objectives import value_of
from planner.models.plan import SolverPhase
from planner.solver.backends import LARGE_MODEL_COLUMNS, relative_gap
from planner.solver.budget import FLOOR_SHARE
from planner.solver.highs import HighsSolver, highs_available
from planner.solver.period_floor import affordable, period_floor
from planner.solver.phases import SolveResult, solve, within_gap

# Seconds for the solve with the team's rows when the caller sets no time limit: without a
# bound on it, a team that binds hard can keep HiGHS busy for many minutes.
WORK_SECONDS = 60.0
# Of the second try's time, the LP bound with the team's rows may use this share: unlimited,
# it took 28.8 s of a 6 s limit on 50 executable synthetic servers (157,608 rows then).
LP_SHARE = 0.25
# Above this many columns the LP with the team's rows is not tried: at 400 executable
# synthetic servers (37,743 columns) it took 184 s unlimited, so it ran out its share of
# every limit (7.5 s of 30 s) for no bound, time the second try's solve now has.
LP_MOST_COLUMNS = LARGE_MODEL_COLUMNS
# Of a time limit, the first try's coverage phase may use this share when the team is planned:
# the second try needs the rest. With the usual 0.7 (and HiGHS running over its limit: 29 s
# for 21 s), 400 executable synthetic servers under a 30 s limit left the second try 1 s, in
# which HiGHS found no plan at all: the planner returned none, against a greedy plan that
# served 82% at the deadline.
FIRST_TRY_SHARE = 0.35
# The second try solves again on all the candidates of the providers its plan's candidates
# are at (solver/work.py at_providers) when the plan is further than this from a bound on
# every plan and time is left: closer, the most it could gain is this. On the 2021 team
# scenario (within 8e-4) it gained nothing in 40 s; at 400 executable synthetic servers
# (30 s limit, 91% from the floor) it served 82-94 servers at the deadline against 57.
WIDEN_ABOVE_GAP = 0.01
# Up to this many columns, the last stage is the whole model with the team's rows (every
# candidate), from the plan so far, in the time left: its own bound holds for every plan.
# On 50 executable synthetic servers (7,924 columns, 30 s limit) the stages before it stopped
# at 1.72 M weighted hours in 17 s, 16% from the bound; the whole model, solved alone, is at
# 1.537 M (4.9%) after 10 s and proven optimal in 34 s. Larger models do not get that far
# (400 servers, 37,743 columns: no better than the greedy start in 45 s).
WHOLE_MOST_COLUMNS = LARGE_MODEL_COLUMNS


def restrict_to(model: Model, *points: dict[str, float],
                saved: dict | None = None) -> int:
    """Candidates none of `points` (by variable name) uses get no servers; returns how many
    stay. `saved` collects the bounds taken away (variable -> its upper bound), for
    `reopen`. Used at any hour: r never falls but at a refusal (domain/refusal.py), so
    without one that is the last period."""
    kept = {ci for (ci, _), var in model.r.items()
            if any(point.get(var.name, 0) > 0.5 for point in points)}
    for (ci, _), var in model.r.items():
        if ci not in kept:
            if saved is not None:
                saved[var] = var.upBound
            var.upBound = 0
    model.restricted = True
    return len(kept)


def at_providers(model: Model) -> set[int]:
    """The candidates at the providers whose candidates a restricted model keeps."""
    candidates = model.instance.candidates
    kept = {ci for (ci, _), var in model.r.items() if var.upBound != 0}
    providers = {candidates[ci].provider for ci in kept}
    return {ci for (ci, _) in model.r if candidates[ci].provider in providers}


def reopen(model: Model, saved: dict, candidates: set[int]) -> None:
    """Give back the bounds `restrict_to` took from `candidates`."""
    for (ci, _), var in model.r.items():
        if ci in candidates and var in saved:
            var.upBound = saved[var]


def solve_with_team(model: Model, relaxed: SolveResult, solver: str,
                    time_limit: float | None, gap: float,
                    start: dict[str, float] | None = None,
                    fitted: dict[str, float] | None = None) -> SolveResult:
    """Solve `model` (built with the team's rows) on the candidates the relaxed plan used,
    and those `start` (the greedy start) and `fitted` (the greedy plan that fits the team,
    handed to the solver as its start) used; then, when their providers have more, on all
    of those, from that plan; then, up to WHOLE_MOST_COLUMNS, on every candidate, from the
    plan so far (each wider stage only while the plan is further than WIDEN_ABOVE_GAP from
    the bound and time is left). In `time_limit` (WORK_SECONDS when None), with phase 1's
    bound and gap restated against bounds on every plan.

    The start's candidates too, because a relaxed plan spreads over more of them than the
    team can open: at 400 executable synthetic servers, on the relaxed plan's 24 candidates
    the team's plan left 13.21 M weighted hours unserved, on the greedy start's 9 it left
    12.86 M. Then all their providers' candidates (other offerings, other groups where a
    provider is open and set up already), when the plan is further than WIDEN_ABOVE_GAP
    from the bound: there, under a 30 s limit, 12.86 M -> 11.17-11.30 M. Not at once: on
    all 310 candidates of the providers used at a 90 s limit, HiGHS did not improve on the
    greedy start in the 45 s it had (16.64 M against 11.05 M this way)."""
    started = time.perf_counter()
    limit = time_limit or WORK_SECONDS
    lp = team_lp_bound(model, LP_SHARE * limit) \
        if model.lp.numVariables() <= LP_MOST_COLUMNS else -math.inf
    bound = max(relaxed.facts.phases[0].bound or -math.inf, team_floor(model, limit), lp)
    saved: dict = {}
    kept = restrict_to(model, relaxed.values, start or {}, fitted or {}, saved=saved)
    every = {ci for ci, _ in model.r}
    stages = [at_providers(model)]  # then, where small enough, every candidate
    if model.lp.numVariables() <= WHOLE_MOST_COLUMNS:
        stages.append(every)

    def left() -> float:
        return limit - (time.perf_counter() - started)

    def further(values: dict[str, float]) -> bool:
        """Worth a wider stage: one has more candidates, time is left, and the plan is
        not within WIDEN_ABOVE_GAP of a bound on every plan."""
        unserved = value_of(model.coverage_objective(), values)
        return any(len(stage) > kept for stage in stages) and left() >= 1.0 and (
            not math.isfinite(bound) or relative_gap(unserved, bound) > WIDEN_ABOVE_GAP)

    result = solve(model, solver=solver, time_limit=max(1.0, left()), gap=gap, hint=fitted,
                   keep_going=lambda values: not further(values))
    widened = whole = False
    while result.stopped:  # on the next stage's candidates, from that plan
        narrow = result
        stage = next(stage for stage in stages if len(stage) > kept)
        reopen(model, saved, stage)
        kept, widened = len(stage), True
        whole = len(stage) == len(every)
        model.restricted = not whole
        result = solve(model, solver=solver, time_limit=max(1.0, left()), gap=gap,
                       hint=narrow.values, keep_going=lambda values: not further(values))
    if whole and result.facts.phases[0].bound is not None:  # its own bound, on every plan
        bound = max(bound, result.facts.phases[0].bound)
    if whole:
        note = (f"with the team's hours, on all {kept} candidates; bound: the best of the "
                "solver's, the model without the team's hours, and the per-period floor and "
                "the LP with them")
    else:
        note = (f"with the team's hours, on the {kept} candidates "
                f"{'of the providers ' if widened else ''}the plan without them "
                f"{'or the greedy starts ' if start else ''}used; "
                "bound: the best of the model without the team's hours, and the per-period "
                "floor and the LP with them")
    phases = [_against(p, bound, gap, note) if p.name == "coverage"
              else _noted(p, note) if whole else _restricted(p, note)
              for p in result.facts.phases]
    result.facts = result.facts.model_copy(update={"phases": phases})
    result.seconds = {"team": time.perf_counter() - started}
    result.warnings = relaxed.warnings + result.warnings
    return result


def team_floor(model: Model, seconds: float) -> float:
    """The per-period floor with the team's hours in each period's LP (planner/solver/
    period_floor.py): a bound on every plan the team can carry out, when HiGHS is there and
    its LPs fit in FLOOR_SHARE of `seconds`; -inf otherwise."""
    if not highs_available() or not affordable(model, FLOOR_SHARE * seconds):
        return -math.inf
    return period_floor(model, team=True)


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


def _noted(phase: SolverPhase, note: str) -> SolverPhase:
    return phase.model_copy(update={"raw_status": f"{phase.raw_status} ({note})"})


def _restricted(phase: SolverPhase, note: str) -> SolverPhase:
    """The cost phase on the restricted candidates: cheapest among them, not proven over all."""
    status = "feasible" if phase.status == "optimal" else phase.status
    return phase.model_copy(update={"status": status, "bound": None, "gap": None,
                                    "raw_status": f"{phase.raw_status} ({note})"})
