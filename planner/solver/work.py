"""The team's work in two tries (issue 19).

The model without the team's rows is a relaxation of the one with them (formulation/
labour.py): every plan the team can carry out is in it. So the solver first solves that
(fast: 2021 in about 3 s), and when its plan's work fits the team by every hour (the
pipeline checks it with domain/labour.py, as the verifier does), that plan is optimal for
the whole model too. When it does not fit, the model with the team's rows is solved on the
candidates that plan used, and its coverage is judged against the relaxation's bound,
which holds for every plan: the gap printed is the real one, never the restricted
model's own.
"""

from __future__ import annotations

import time

from planner.formulation.families import Model
from planner.models.plan import SolverPhase
from planner.solver.backends import relative_gap
from planner.solver.phases import SolveResult, solve, within_gap

# Seconds for the solve with the team's rows when the caller sets no time limit: without a
# bound on it, a team that binds hard can keep HiGHS busy for many minutes.
WORK_SECONDS = 60.0


def restrict_to(model: Model, values: dict[str, float]) -> int:
    """Candidates the relaxed plan does not use get no servers; returns how many stay."""
    last = model.instance.grid[-1]
    kept = {ci for (ci, t), var in model.r.items() if t == last and values.get(var.name, 0) > 0.5}
    for (ci, _), var in model.r.items():
        if ci not in kept:
            var.upBound = 0
    model.restricted = True
    return len(kept)


def solve_with_team(model: Model, relaxed: SolveResult, solver: str,
                    time_limit: float | None, gap: float) -> SolveResult:
    """Solve `model` (built with the team's rows) on the candidates the relaxed plan used,
    in `time_limit` (WORK_SECONDS when None), with phase 1's bound and gap restated
    against the relaxation's bound."""
    started = time.perf_counter()
    kept = restrict_to(model, relaxed.values)
    result = solve(model, solver=solver, time_limit=time_limit or WORK_SECONDS, gap=gap)
    note = (f"with the team's hours, on the {kept} candidates the plan without them used; "
            "bound from the plan without them")
    phases = [_against(p, relaxed.facts.phases[0], gap, note) if p.name == "coverage"
              else _restricted(p, note) for p in result.facts.phases]
    result.facts = result.facts.model_copy(update={"phases": phases})
    result.seconds = {"team": time.perf_counter() - started}
    result.warnings = relaxed.warnings + result.warnings
    return result


def _against(phase: SolverPhase, relaxed: SolverPhase, gap: float, note: str) -> SolverPhase:
    """Phase 1 with the relaxation's bound (a bound on every plan), the gap against it."""
    bound = relaxed.bound if relaxed.bound is not None else None
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
