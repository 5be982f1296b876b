"""A restriction of the model: most columns fixed at known values, the rest handed to HiGHS
without the fixed ones (they move into the row bounds, with numpy).

Used twice by the solve stage: to complete the greedy start (every integer fixed, one LP for
the copies and shares: planner/solver/start.py) and to improve on that start at sizes where the
whole model cannot be solved in time (the start's own candidates free: planner/solver/search.py).
Fixing columns of a feasible point keeps it feasible, so what HiGHS finds in a restriction
is a point of the whole model; the restriction's bound is not a bound of the whole model.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pulp

from planner.solver.highs import new_highs
from planner.solver.highs_arrays import columns, row_columns


@dataclass
class Restriction:
    """HiGHS holding the free columns of `lp` (in order) and the rows that have one."""

    highs: object
    names: list[str]         # every column's variable name, in `lp.variables()` order
    x: np.ndarray            # the whole point: fixed values, free ones filled after a run
    free_columns: np.ndarray

    def point(self) -> dict[str, float]:
        """The whole point with the free columns at HiGHS's solution: its nonzero columns
        by variable name, every other column 0 (every reader asks `.get(name, 0.0)`). Not
        every column: at 10,000 synthetic servers in 500 groups a dict of all 2 million
        was the run's peak of memory."""
        x = self.x.copy()
        x[self.free_columns] = np.array(self.highs.getSolution().col_value)
        names = self.names
        return {names[i]: float(x[i]) for i in np.flatnonzero(x).tolist()}


def restrict(lp: pulp.LpProblem, fixed: dict[str, float], free_names) -> Restriction | None:
    """`lp` (all constraints array rows: planner/formulation/problem.py) with every column not
    named in
    `free_names` fixed at `fixed` (0 where absent). None when a row left with no free column
    does not hold at the fixed values (the fixed part is not feasible), or when `lp` has
    PuLP constraints this does not read."""
    rows = getattr(lp, "rows", None)
    if rows is None or not len(rows) or lp.constraints():
        return None
    variables, col_lower, col_upper, cost = columns(lp)
    n = len(variables)
    names = [v.name for v in variables]
    free = np.fromiter(map(set(free_names).__contains__, names), dtype=bool, count=n)
    x = np.fromiter(map(fixed.get, names, repeat(0.0)), dtype=float, count=n)
    x[free] = 0.0
    columns_of = row_columns(rows, variables)
    values = np.frombuffer(rows.values)
    starts = np.frombuffer(rows.starts, dtype=np.int64)
    # one array of the nonzeros' size at a time, in place where it can be: at 10,000
    # synthetic servers in 500 groups there are 11 million, 88 MB per float array
    row_of = np.repeat(np.arange(len(starts), dtype=np.int32),
                       np.diff(np.append(starts, len(columns_of))))
    weights = x[columns_of]  # 0 at the free columns (x[free] = 0 above)
    weights *= values
    fixed_part = np.bincount(row_of, weights=weights, minlength=len(starts))
    del weights
    lower = np.frombuffer(rows.lower) - fixed_part
    upper = np.frombuffer(rows.upper) - fixed_part
    chosen = free[columns_of]  # the nonzeros of free columns, which the restriction keeps
    free_rows = row_of[chosen]
    del row_of
    has_free = np.bincount(free_rows, minlength=len(starts)) > 0
    slack = 1e-6 * np.maximum(1.0, np.abs(fixed_part))
    if np.any(~has_free & ((lower > slack) | (upper < -slack))):
        return None
    keep = np.flatnonzero(has_free)
    new_row = np.full(len(starts), -1)
    new_row[keep] = np.arange(len(keep))
    new_col = np.full(n, -1)
    free_columns = np.flatnonzero(free)
    new_col[free_columns] = np.arange(len(free_columns))
    counts = np.bincount(new_row[free_rows], minlength=len(keep))
    h = new_highs()
    k = len(free_columns)
    h.addVars(k, col_lower[free_columns], col_upper[free_columns])
    h.changeColsCost(k, np.arange(k, dtype=np.int32), cost[free_columns])
    if len(keep):
        h.addRows(len(keep), lower[keep], upper[keep], int(chosen.sum()),
                  np.concatenate(([0], np.cumsum(counts)[:-1])),
                  new_col[columns_of[chosen]].astype(np.int32), values[chosen])
    sign = -1.0 if lp.sense == pulp.LpMaximize else 1.0  # `cost` is already signed
    h.changeObjectiveOffset(sign * float(lp.objective.constant) + float(cost @ x))
    return Restriction(highs=h, names=names, x=x, free_columns=free_columns)


def make_integer(restriction: Restriction, names) -> None:
    """Mark the free columns named in `names` integer (the rest stay continuous)."""
    import highspy

    named = set(names)
    integer = [j for j, i in enumerate(restriction.free_columns)
               if restriction.names[i] in named]
    if integer:
        kinds = np.full(len(integer), highspy.HighsVarType.kInteger.value, dtype=np.uint8)
        restriction.highs.changeColsIntegrality(len(integer), np.array(integer, dtype=np.int32),
                                                kinds)


def set_start(restriction: Restriction, start: dict[str, float]) -> None:
    """A feasible point of the restriction (by name) as HiGHS's first incumbent."""
    import highspy

    solution = highspy.HighsSolution()
    solution.col_value = [start.get(restriction.names[i], 0.0) for i in restriction.free_columns]
    solution.value_valid = True
    restriction.highs.setSolution(solution)
