"""Hand a PuLP problem to HiGHS as arrays: one call for the columns, one for the rows
(PuLP's constraints, if any, then the problem's array rows: planner/formulation/problem.py).

PuLP's own HiGHS adapter adds each column and each row by a separate call, which took 3-5 s
per phase at 10,000 synthetic servers (244,000 columns, 310,000 rows; bench/run.py). The
result is the same model: same column and row order, and the `index` attributes PuLP's
solution reader relies on.
"""

from __future__ import annotations

import numpy as np
import pulp


def columns(lp: pulp.LpProblem) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
    """`lp`'s variables with `var.index` set to their position, and their lower bounds,
    upper bounds and objective coefficients (minimisation) as arrays."""
    import highspy

    inf = highspy.kHighsInf
    variables = lp.variables()
    sign = -1.0 if lp.sense == pulp.LpMaximize else 1.0
    objective = lp.objective if lp.objective is not None else {}
    n = len(variables)
    lower, upper, cost = np.empty(n), np.empty(n), np.empty(n)
    for i, v in enumerate(variables):
        v.index = i
        lower[i] = -inf if v.lowBound is None else v.lowBound
        upper[i] = inf if v.upBound is None else v.upBound
        cost[i] = sign * objective.get(v, 0.0)
    return variables, lower, upper, cost


def row_columns(rows, variables: list) -> np.ndarray:
    """The column (the position in `variables`, as `columns` gives them) of every nonzero
    of array rows, matched by hash with numpy: at 11 million nonzeros (10,000 synthetic
    servers in 500 groups) a look-up per nonzero took 2.4 s."""
    hashes = np.fromiter((v.hash for v in variables), dtype=np.int64, count=len(variables))
    order = np.argsort(hashes, kind="stable")
    wanted = np.frombuffer(rows.hashes, dtype=np.int64)
    found = np.searchsorted(hashes[order], wanted)
    found[found == len(order)] = 0
    if len(wanted) and not np.array_equal(hashes[order][found], wanted):
        raise ValueError("a row names a variable the problem does not have")
    return order[found].astype(np.int32)


def pass_model(lp: pulp.LpProblem, highs, mip: bool) -> None:
    """Columns (cost, bounds, integrality) then rows (bounds, CSR matrix) of `lp` into the
    empty `highs` model; sets `var.index` and `constraint.index` as PuLP does."""
    import highspy

    inf = highspy.kHighsInf
    variables, lower, upper, cost = columns(lp)
    n = len(variables)
    highs.addVars(n, lower, upper)
    highs.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    integer = [i for i, v in enumerate(variables) if mip and v.cat == pulp.LpInteger]
    if integer:
        kinds = np.full(len(integer), highspy.HighsVarType.kInteger.value, dtype=np.uint8)
        highs.changeColsIntegrality(len(integer), np.array(integer, dtype=np.int32), kinds)
    constraints = list(lp.constraints())  # PuLP's own: none unless materialized
    m = len(constraints)
    row_lower, row_upper = np.empty(m), np.empty(m)
    starts, indices, values = np.zeros(m, dtype=np.int64), [], []
    for i, constraint in enumerate(constraints):
        constraint.index = i
        starts[i] = len(indices)
        for v, coefficient in constraint.items():
            if coefficient != 0:
                indices.append(v.index)
                values.append(coefficient)
        low, up = constraint.getLb(), constraint.getUb()
        row_lower[i] = -inf if low is None else low
        row_upper[i] = inf if up is None else up
    if m:
        highs.addRows(m, row_lower, row_upper, len(indices), starts,
                      np.array(indices, dtype=np.int32), np.array(values, dtype=float))
    rows = getattr(lp, "rows", None)
    if rows is not None and len(rows):
        highs.addRows(len(rows), np.frombuffer(rows.lower), np.frombuffer(rows.upper),
                      len(rows.hashes), np.frombuffer(rows.starts, dtype=np.int64),
                      row_columns(rows, variables), np.frombuffer(rows.values))
