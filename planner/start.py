"""The first incumbent: the greedy plan (planner/baseline.py, as pipeline.greedy_hint gives
it) completed into a feasible point of the model by one LP, handed to the solver as its
start so that a time-limited run is never worse than the greedy plan."""

from __future__ import annotations

import numpy as np
import pulp

from planner.highs_adapter import HighsSolver, snapshot, stdout_silenced
from planner.highs_model import columns, row_columns

# The binaries saying a service or storage vendor is used (formulate._service_variables):
# their fixed fees are paid once the binary is 1.
USE_PREFIXES = ("u_", "su_")

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
    point = _reduced(lp, hint) if lp.numVariables() > REDUCE_ABOVE_COLUMNS else None
    if point is None:
        point = _complete(lp, hint, fixed=hint)
    if point is None and any(v.cat != pulp.LpInteger and v.name in hint
                             for v in lp.variables()):
        point = _complete(lp, hint, fixed={})
    return point


def _relaxed(v: pulp.LpVariable, hint: dict[str, float]) -> bool:
    """A vendor's use binary the hint leaves open: [0, 1] in the LP, rounded up after."""
    return v.cat == pulp.LpInteger and v.name not in hint \
        and (v.lowBound, v.upBound) == (0, 1) and v.name.startswith(USE_PREFIXES)


def _rounded_up(point: dict[str, float], relaxed) -> dict[str, float]:
    for name in relaxed:
        point[name] = 1.0 if point[name] > 0 else 0.0
    return point


def _complete(lp: pulp.LpProblem, hint: dict[str, float],
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


def _reduced(lp, hint: dict[str, float]) -> dict[str, float] | None:
    """`_complete` with the hinted values fixed, for a problem whose constraints are all
    array rows (planner/problem.py): the fixed columns are moved into the row bounds, a row
    left with none free must hold as it is (else None), and HiGHS solves the LP of the free
    columns (services, object storage, the policy's auxiliaries, the use binaries)."""
    import highspy

    rows = getattr(lp, "rows", None)
    if rows is None or not len(rows) or lp.constraints():
        return None
    variables, col_lower, col_upper, cost = columns(lp)
    n = len(variables)
    x, free = np.zeros(n), np.zeros(n, dtype=bool)
    relaxed = []
    for i, v in enumerate(variables):
        if _relaxed(v, hint):
            free[i] = True
            relaxed.append(v.name)
        elif v.cat == pulp.LpInteger or v.name in hint:
            x[i] = hint.get(v.name, 0.0)
        else:
            free[i] = True
    columns_of = row_columns(rows)
    values = np.frombuffer(rows.values)
    starts = np.frombuffer(rows.starts, dtype=np.int64)
    row_of = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(columns_of))))
    fixed_part = np.bincount(row_of, weights=values * x[columns_of] * ~free[columns_of],
                             minlength=len(starts))
    lower = np.frombuffer(rows.lower) - fixed_part
    upper = np.frombuffer(rows.upper) - fixed_part
    has_free = np.bincount(row_of, weights=free[columns_of], minlength=len(starts)) > 0
    slack = 1e-6 * np.maximum(1.0, np.abs(fixed_part))
    if np.any(~has_free & ((lower > slack) | (upper < -slack))):
        return None  # a row of fixed values only does not hold: the hint is not feasible
    keep = np.flatnonzero(has_free)
    new_row = np.full(len(starts), -1)
    new_row[keep] = np.arange(len(keep))
    new_col = np.full(n, -1)
    free_columns = np.flatnonzero(free)
    new_col[free_columns] = np.arange(len(free_columns))
    chosen = free[columns_of]
    counts = np.bincount(new_row[row_of[chosen]], minlength=len(keep))
    with stdout_silenced():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("presolve", "on")
    k = len(free_columns)
    h.addVars(k, col_lower[free_columns], col_upper[free_columns])
    h.changeColsCost(k, np.arange(k, dtype=np.int32), cost[free_columns])
    if len(keep):
        h.addRows(len(keep), lower[keep], upper[keep], int(chosen.sum()),
                  np.concatenate(([0], np.cumsum(counts)[:-1])),
                  new_col[columns_of[chosen]].astype(np.int32), values[chosen])
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solved = np.array(h.getSolution().col_value)
    x[free_columns] = solved
    return _rounded_up({v.name: float(x[i]) for i, v in enumerate(variables)}, relaxed)
