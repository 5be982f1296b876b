"""The first incumbent: the greedy plan (planner/baseline.py, as pipeline.greedy_hint gives
it) completed into a feasible point of the model by one LP, handed to the solver as its
start so that a time-limited run is never worse than the greedy plan."""

from __future__ import annotations

import pulp

from planner.highs_adapter import HighsSolver, snapshot

# The binaries saying a service or storage vendor is used (formulate._service_variables):
# their fixed fees are paid once the binary is 1.
USE_PREFIXES = ("u_", "su_")


def complete(lp: pulp.LpProblem, hint: dict[str, float]) -> dict[str, float] | None:
    """A whole feasible point from the hint: hinted integer variables fixed to their hint,
    other integers to 0, the rest found by one LP in which a vendor's use binary is relaxed
    to [0, 1] (its fees paid pro rata), then rounded up where above 0, so that the point
    pays no fee for a vendor it does not use. Hinted continuous values (the greedy plan's
    copies) are fixed too when that leaves a feasible LP, which is then small; else they
    are left to the LP. None when the hint cannot be completed; the bounds are restored
    either way."""
    point = _complete(lp, hint, fixed=hint)
    if point is None and any(v.cat != pulp.LpInteger and v.name in hint
                             for v in lp.variables()):
        point = _complete(lp, hint, fixed={})
    return point


def _complete(lp: pulp.LpProblem, hint: dict[str, float],
              fixed: dict[str, float]) -> dict[str, float] | None:
    saved = [(v, v.lowBound, v.upBound) for v in lp.variables()]
    uses = [v for v, low, up in saved if v.cat == pulp.LpInteger and v.name not in hint
            and (low, up) == (0, 1) and v.name.startswith(USE_PREFIXES)]
    relaxed = {v.name for v in uses}
    try:
        for v, _, _ in saved:
            if v.cat == pulp.LpInteger and v.name not in relaxed:
                v.lowBound = v.upBound = hint.get(v.name, 0.0)
            elif v.cat != pulp.LpInteger and v.name in fixed:
                v.lowBound = v.upBound = fixed[v.name]
        # presolve takes the fixed columns out, leaving the copies and shares: 10,000
        # synthetic servers, 8.0 s -> 6.0 s; at 500 groups the unpresolved LP took 186 s
        lp.solve(HighsSolver(msg=False, mip=False, presolve="on"))
        if lp.solverModel.getModelStatus() != __import__("highspy").HighsModelStatus.kOptimal:
            return None
        values = snapshot(lp)
        for name in relaxed:
            values[name] = 1.0 if values[name] > 0 else 0.0
        return values
    except (pulp.PulpSolverError, RuntimeError):
        return None
    finally:
        for v, low, up in saved:
            v.lowBound, v.upBound = low, up
