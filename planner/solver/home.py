"""Solving the home stage's integer program (formulation/home.py): one HiGHS (or CBC) run,
its status, bound and gap reported as they are."""

from __future__ import annotations

from planner.formulation.home import HomeModel
from planner.models.plan import SolverPhase
from planner.solver.backends import run
from planner.solver.highs import snapshot
from planner.solver.phases import within_gap


def solve_home(model: HomeModel, solver: str = "highs", time_limit: float | None = None,
               gap: float = 1e-4) -> tuple[SolverPhase, dict[str, float]]:
    """The phase ("optimal" only within `gap`) and the values by variable name (empty when
    the solver found nothing)."""
    phase = run(model.lp, solver, time_limit, gap, "home")
    values = snapshot(model.lp) if phase.status != "no_solution" else {}
    return within_gap(phase, gap), values
