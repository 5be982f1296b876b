"""Time budgets: how a time limit is shared between the phases and the per-period floor,
and when a model is too large to hand to the solver in the time left."""

from __future__ import annotations

import time

from planner.models.plan import SolverPhase
from planner.solver.backends import LARGE_MODEL_COLUMNS

# Below this many seconds per column of a large model, a MIP run cannot improve on its start:
# HiGHS spends its first 0.3-0.5 ms per column on presolve, set-up and the root relaxation
# (400 synthetic servers, 12,789 columns: root LP 4 s; 2,000: 69,676 columns, 27 s;
# 10,000: 244,021 columns, 25 s of set-up before the root LP starts), overruns a shorter limit
# (44 s against 21 s) and holds GBs while doing so (4.3 GB). Then the start is the plan.
SECONDS_PER_COLUMN = 5e-4


def worth_running(columns: int, time_limit: float | None) -> bool:
    return time_limit is None or columns <= LARGE_MODEL_COLUMNS \
        or time_limit >= columns * SECONDS_PER_COLUMN


def not_run(name: str, columns: int, time_limit: float, scope: str = "") -> SolverPhase:
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


def coverage_share(time_limit: float | None, started: float,
                   share: float = COVERAGE_SHARE) -> float | None:
    """The coverage phase's time: its `share` of the limit, less what completing the start
    has already used (at least 1 s)."""
    if time_limit is None:
        return None
    return max(1.0, share * time_limit - (time.perf_counter() - started))


# Of a time limit, the per-period LP floor may use this share (planner/solver/period_floor.py).
FLOOR_SHARE = 0.25
