"""A floor under phase 1 from the relaxation that keeps only the footprint binaries integral.

The LP relaxation of the executable model is weak where the policy asks for a least
footprint (formulation/providers.py min_footprint: a group placed at a provider holds at least
m_g servers there, z[g,p] binary, sum r >= m_g z, r <= ub z). With z fractional the LP places
a fraction of a footprint wherever it helps: on 50 executable synthetic servers (seed 0), a
3-server database that must sit whole at one provider (2 + 1 breaks the footprint of 2) is
split over three US providers, and the 22 API servers that must run within 2 ms of it are
served in full near each piece; with z whole it is at one provider and only the capacity near
it serves them. Measured there: LP 0.64 M weighted hours unserved, z whole and all else
continuous 1.37 M (0.9 s), the whole MIP's bound 1.49 M. On 400, the LP's 1.02 M was mostly
groups the spread policy cannot place at all, which group_demand now caps (domain/spread.py):
LP and this floor both 10.31 M. Every plan of the model is a point of this relaxation, so
its proven bound (HiGHS's dual bound, also when stopped by its time limit) holds for every
plan.
"""

from __future__ import annotations

import math

import pulp

from planner.formulation.model import Model
from planner.solver.highs import HighsSolver, highs_available

# Seconds per column the relaxation takes (IPM after presolve, 2 cores): 400 executable
# synthetic servers, 37,743 columns, 8.1 s; 50, 7,924 columns, 1.0 s. Above the estimate
# for the time left it is not tried.
SECONDS_PER_COLUMN = 2.5e-4


def worth_trying(model: Model, seconds: float | None) -> bool:
    """The model has footprint binaries, is not restricted to some candidates (its floor
    would hold for its own plans only: solver/work.py states the bound of the team's try),
    HiGHS is there, and the estimate fits `seconds` (None: no limit)."""
    return bool(model.footprint) and not model.restricted and highs_available() and \
        (seconds is None or model.lp.numVariables() * SECONDS_PER_COLUMN <= seconds)


def footprint_floor(model: Model, seconds: float | None = None) -> float:
    """The least coverage objective with the footprint binaries (z, zf) whole and every
    other variable continuous, as HiGHS proves it within `seconds` (its dual bound); -inf
    when it proves nothing. The model's variables are given back their types."""
    import highspy

    lp = model.lp
    relaxed = [v for v in lp.variables()
               if v.cat == pulp.LpInteger and not v.name.startswith("z")]
    lp.setObjective(model.coverage_objective())
    try:
        for v in relaxed:
            v.cat = pulp.LpContinuous
        lp.solve(HighsSolver(msg=False, timeLimit=seconds, presolve="on",
                             mip_lp_solver="ipm", random_seed=0))
        info = lp.solverModel.getInfo()
        if lp.solverModel.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            return -math.inf
        bound = info.mip_dual_bound
    except (pulp.PulpSolverError, RuntimeError):
        return -math.inf
    finally:
        for v in relaxed:
            v.cat = pulp.LpInteger
    # HiGHS's bound is exact to its tolerances: widen it so that the floor stays below
    return bound - 1e-6 * max(1.0, abs(bound)) if math.isfinite(bound) else -math.inf
