"""The first incumbent: the greedy plan (planner/baseline/waves.py, as pipeline.greedy_hint gives
it) completed into a feasible point of the model by one LP, handed to the solver as its
start so that a time-limited run is never worse than the greedy plan."""

from __future__ import annotations

import pulp

from planner.solver.highs import HighsSolver, snapshot
from planner.solver.restricted import restrict

# The binaries saying a service or storage vendor is used (families._service_variables):
# their fixed fees are paid once the binary is 1; and those saying a provider or vendor is
# used at all (formulation/providers.py), when the start leaves them open.
USE_PREFIXES = ("u_", "su_", "y_", "w_")

# Above this many columns the fixed columns are taken out here, with numpy, before HiGHS
# sees the LP: handing it the whole model and letting its presolve do so took 16 s at
# 10,000 servers in 500 groups (1.6 million columns, 2 million rows).
REDUCE_ABOVE_COLUMNS = 10_000


def complete(lp: pulp.LpProblem, hint: dict[str, float]) -> dict[str, float] | None:
    """A whole feasible point from the hint: hinted integer variables fixed to their hint,
    other integers to 0, the rest found by one LP in which a vendor's use binary is relaxed
    to [0, 1] (its fees paid pro rata), then rounded up where above 0, so that the point
    pays no fee for a vendor it does not use. Hinted continuous values (the greedy plan's
    copies) are fixed too when that leaves a feasible LP, which is then small; else they
    are left to the LP. None when the hint cannot be completed; the bounds are restored
    either way."""
    point = complete_restricted(lp, hint) if lp.numVariables() > REDUCE_ABOVE_COLUMNS else None
    if point is None:
        point = complete_point(lp, hint, fixed=hint)
    if point is None and any(v.cat != pulp.LpInteger and v.name in hint
                             for v in lp.variables()):
        point = complete_point(lp, hint, fixed={})
    return point


def _relaxed(v: pulp.LpVariable, hint: dict[str, float]) -> bool:
    """A vendor's use binary the hint leaves open: [0, 1] in the LP, rounded up after."""
    # bounds first: they rule out nearly every server variable without reading its name
    return v.upBound == 1 and v.lowBound == 0 and v.cat == pulp.LpInteger \
        and v.name.startswith(USE_PREFIXES) and v.name not in hint


def _rounded_up(point: dict[str, float], relaxed) -> dict[str, float]:
    for name in relaxed:
        point[name] = 1.0 if point.get(name, 0.0) > 0 else 0.0
    return point


def complete_point(lp: pulp.LpProblem, hint: dict[str, float],
                   fixed: dict[str, float]) -> dict[str, float] | None:
    import highspy  # here, not at the top: without it, CBC still plans

    saved = [(v, v.lowBound, v.upBound) for v in lp.variables()]
    relaxed = {v.name for v in lp.variables() if _relaxed(v, hint)}
    try:
        for v, _, _ in saved:
            if v.cat == pulp.LpInteger and v.name not in relaxed:
                v.lowBound = v.upBound = hint.get(v.name, 0.0)
            elif v.cat != pulp.LpInteger and v.name in fixed:
                v.lowBound = v.upBound = fixed[v.name]
        # presolve takes the fixed columns out, leaving the copies and shares: 10,000
        # synthetic servers, 8.0 s -> 6.0 s; at 500 groups the unpresolved LP took 186 s
        lp.solve(HighsSolver(msg=False, mip=False, presolve="on"))
        if lp.solverModel.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return _rounded_up(snapshot(lp), relaxed)
    except (pulp.PulpSolverError, RuntimeError):
        return None
    finally:
        for v, low, up in saved:
            v.lowBound, v.upBound = low, up


def complete_restricted(lp, hint: dict[str, float]) -> dict[str, float] | None:
    """`complete_point` with the hinted values fixed, for a problem whose constraints are all
    array rows (planner/formulation/problem.py): the fixed columns are moved into the row bounds
    (planner/solver/restricted.py) and HiGHS solves the LP of the free columns (services, object
    storage, the policy's auxiliaries, the use binaries)."""
    import highspy

    variables = lp.variables()
    relaxed = [v.name for v in variables if _relaxed(v, hint)]
    free = {v.name for v in variables
            if v.cat != pulp.LpInteger and v.name not in hint} | set(relaxed)
    restriction = restrict(lp, hint, free)
    if restriction is None:
        return None
    restriction.highs.setOptionValue("presolve", "on")
    restriction.highs.run()
    if restriction.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return _rounded_up(restriction.point(), relaxed)
