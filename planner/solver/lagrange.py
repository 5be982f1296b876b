"""A Lagrangian floor under phase 1, read from the model's own array rows (issue 27 item 2).
Not used by the solve: measured, it does not beat the sorting floor (planner/solver/bounds.py)
in any time it could have; kept, tested, as the way to turn any multipliers into a proven
floor.

Phase 1 is min c^T x over the model's rows l_i <= a_i x <= u_i and column bounds
lo <= x <= up (c: the coverage objective, Model.coverage_objective; integrality dropped). For
multipliers y with y_i > 0 only where l_i > -inf and y_i < 0 only where u_i < inf, and
b_i(y_i) = l_i for y_i > 0, u_i for y_i < 0,

    L(y) = sum_i y_i b_i(y_i) + min { (c - A^T y)^T x : x in X }

is at most c^T x for every plan x (so at most phase 1's optimum), since each dropped term
-y_i (a_i x - b_i(y_i)) is >= 0 at a point that satisfies row i. X keeps the column bounds
(with the upper bounds the rows imply where a column has none: the spread policy's lambda
and mu) and the chains: rows x_a - x_b >= 0 of two columns (servers stay up, hosts stay,
copies are not undone), each column in at most one chain as the earlier and one as the
later, solved in closed form (`chain_minimum`). Every other row is dualised, those that
couple groups (capacity, quotas, stock, ingress, egress, the team's hours, provider counts)
and the group's own (demand, data, spread, dependencies). At the LP's optimal row duals
L(y) is the LP bound (tests/test_lagrange.py), so the floor is as good as its multipliers.

The multipliers are chosen by projected subgradient steps (Polyak steps towards a target
5% above the best value so far, halved after 20 steps without a better one), a fixed
number of them from y = 0, so the same model gives the same floor; the value is lowered
by a margin for the floating-point sums (`margin`).

Measured (2 cores; million tier-weighted hours, the floors and the LP for comparison):
- 2,000 synthetic servers (85,276 columns, 50,421 dualised rows, 425,000 nonzeros, 1,518
  chains): 8 ms a value, 23-33 ms a step. From y = 0 by the rule above: -784 after 1
  step, -772 after 100 (2.8 s), -757 after 300 (8 s); with the target fixed at 16, above
  the LP: -144 after 400 steps (9 s). From the knapsack's duals (capacity rows at
  W_t theta_t, demand rows at W_t (w_g - theta_t)+, theta_t the sorting floor's last
  weight in period t): 6.88, and 6.89 after 300 steps. Sorting floor 7.60, period floor
  15.70 (1.2 s), LP 15.87 (interior point, one thread, 60 s); at the LP's duals L is
  15.87.
- 400 servers, executable instance: -307 after 1 step, -289 after 300 (5 s); sorting
  floor 1.004, period floor 1.014.
- HiGHS's own iterates as multipliers (2,000 servers): PDLP stopped after 200 to 4,000
  iterations (1-12 s) gives -888 to -1,792; the interior-point method stopped before it
  converges returns no duals; dual simplex stopped at 2, 5, 10 or 20 s returns the same
  duals each time: 6.34.
- 10,000 servers in 100 groups: sorting floor 104.22, period floor 107.40, LP 113.34
  (interior point, one thread, 33 min), the plan 128.90 (bench/run.py, 30 s): the best any
  multipliers can give, the LP bound, would leave a 12% gap (17% now).
- 10,000 servers in 500 groups, 60 providers (911,315 dualised rows, 11.0 million
  nonzeros): the arrays 10 s, the first value 9 s, then 0.45 s a step, 3.9 GB peak with
  the model; -11,475 after 1 step, -11,471 after 10; sorting floor 86.15 (2.8 s). Per
  period the sorting floor is already about the LP there: the period LPs (planner/solver/
  period_floor.py, 40 s) raise it to 87.16 only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.formulation.model import Model
from planner.solver.highs_arrays import row_columns

INF = np.inf


@dataclass
class Relaxation:
    """min cost^T x + constant over chains and bounds, with the dualised rows
    row_lower <= sum_k value_k x_column_k (nonzeros k of row row_k) <= row_upper."""

    cost: np.ndarray
    constant: float
    lower: np.ndarray
    upper: np.ndarray
    row: np.ndarray          # per nonzero of a dualised row: its row
    column: np.ndarray       # per nonzero: its column
    value: np.ndarray        # per nonzero: its coefficient (rows scaled to unit norm)
    row_lower: np.ndarray
    row_upper: np.ndarray
    paths: np.ndarray        # chains, earliest first, left-padded with -1 (n_chains x length)
    single: np.ndarray       # columns in no chain
    dualised: np.ndarray     # the model's row of each dualised row
    scale: np.ndarray        # what each dualised row was divided by (its norm)


def relaxation(model: Model) -> Relaxation | None:
    """The model's rows and coverage objective as arrays (None when the model has PuLP
    constraints, which this does not read, or no rows)."""
    lp = model.lp
    rows = getattr(lp, "rows", None)
    if rows is None or not len(rows) or lp.constraints():
        return None
    variables = lp.variables()
    n = len(variables)
    lower = np.fromiter((-INF if v.lowBound is None else v.lowBound for v in variables),
                        dtype=float, count=n)
    upper = np.fromiter((INF if v.upBound is None else v.upBound for v in variables),
                        dtype=float, count=n)
    objective = model.coverage_objective()
    cost = np.zeros(n)
    position = {v.hash: i for i, v in enumerate(variables)}
    for v, coefficient in objective.items():
        if v.hash not in position:  # a variable of no row nor bound of the problem
            return None
        cost[position[v.hash]] += coefficient
    column = row_columns(rows, variables).astype(np.int64)
    value = np.frombuffer(rows.values).copy()
    starts = np.frombuffer(rows.starts, dtype=np.int64)
    row = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(column))))
    row_lower, row_upper = np.frombuffer(rows.lower).copy(), np.frombuffer(rows.upper).copy()
    upper = np.minimum(upper, implied_upper(row, column, value, row_lower, row_upper,
                                            lower, upper))
    kept, paths = chains(row, column, value, row_lower, row_upper, lower, n)
    dual = ~kept[row]
    renumber = np.cumsum(~kept) - 1
    row, column, value = renumber[row[dual]], column[dual], value[dual]
    row_lower, row_upper = row_lower[~kept], row_upper[~kept]
    norm = np.sqrt(np.bincount(row, weights=value * value, minlength=len(row_lower)))
    norm[norm == 0] = 1.0
    in_chain = np.zeros(n, dtype=bool)
    in_chain[paths[paths >= 0]] = True
    return Relaxation(cost=cost, constant=float(objective.constant), lower=lower, upper=upper,
                      row=row, column=column, value=value / norm[row],
                      row_lower=row_lower / norm, row_upper=row_upper / norm, paths=paths,
                      single=np.flatnonzero(~in_chain), dualised=np.flatnonzero(~kept),
                      scale=norm)


def implied_upper(row, column, value, row_lower, row_upper, lower, upper) -> np.ndarray:
    """For each column with no upper bound, the least of what one row implies for it
    (a_ij x_j <= u_i - min over the row's other columns of a_ik x_k, or with l_i and the
    most, when a_ij < 0); inf where none does. Every point of the rows satisfies it."""
    out = np.full(len(upper), INF)
    free = ~np.isfinite(upper)
    if not free.any():
        return out
    least = np.where(value > 0, value * lower[column], value * upper[column])
    most = np.where(value > 0, value * upper[column], value * lower[column])
    rows = len(row_lower)
    least_inf, most_inf = ~np.isfinite(least), ~np.isfinite(most)
    least_sum = np.bincount(row, weights=np.where(least_inf, 0.0, least), minlength=rows)
    most_sum = np.bincount(row, weights=np.where(most_inf, 0.0, most), minlength=rows)
    least_n = np.bincount(row, weights=least_inf, minlength=rows)
    most_n = np.bincount(row, weights=most_inf, minlength=rows)
    on = free[column]
    # a column twice in one row: its other entry is not one of "the other columns"
    _, inverse, times = np.unique(row.astype(np.int64) * len(upper) + column,
                                  return_inverse=True, return_counts=True)
    on &= times[inverse] == 1
    r, j, a = row[on], column[on], value[on]
    lo_j, hi_j = least[on], most[on]
    # the other columns' least (most) activity, finite only if none of them is infinite
    others_least = np.where(least_n[r] - ~np.isfinite(lo_j) == 0,
                            least_sum[r] - np.where(np.isfinite(lo_j), lo_j, 0.0), np.nan)
    others_most = np.where(most_n[r] - ~np.isfinite(hi_j) == 0,
                           most_sum[r] - np.where(np.isfinite(hi_j), hi_j, 0.0), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        bound = np.where(a > 0, (row_upper[r] - others_least) / a,
                         (row_lower[r] - others_most) / a)
    bound = np.where(np.isfinite(bound), bound, INF)
    np.minimum.at(out, j, bound)
    return out


def chains(row, column, value, row_lower, row_upper, lower, n: int):
    """The rows kept as chains (a mask over rows) and the chains as a padded matrix of
    columns, earliest first. A chain row is x_a - x_b >= 0 (or x_b - x_a <= 0) with
    x_b >= 0 bounded below by 0 at both ends; a column takes part in at most one chain
    row as the earlier (b) and one as the later (a), first rows first; rows on a cycle are
    not kept."""
    rows = len(row_lower)
    count = np.bincount(row, minlength=rows)
    first = np.cumsum(count) - count
    two = np.flatnonzero(count == 2)
    i, k = first[two], first[two] + 1
    a_i, a_k = value[i], value[k]
    opposite = (a_i == -a_k) & (np.abs(a_i) > 0)
    ge = (row_lower[two] == 0) & ~np.isfinite(row_upper[two])
    le = (row_upper[two] == 0) & ~np.isfinite(row_lower[two])
    candidate = opposite & (ge | le)
    # the later column has the positive coefficient in a >= row, the negative in a <= row
    later = np.where((a_i > 0) == ge, column[i], column[k])
    earlier = np.where((a_i > 0) == ge, column[k], column[i])
    candidate &= (lower[later] == 0) & (lower[earlier] == 0) & (later != earlier)
    nxt = np.full(n, -1)
    prv = np.full(n, -1)
    kept = np.zeros(rows, dtype=bool)
    for r, b, a in zip(two[candidate].tolist(), earlier[candidate].tolist(),
                       later[candidate].tolist()):
        if nxt[b] < 0 and prv[a] < 0:
            nxt[b], prv[a], kept[r] = a, b, True
    return _layout(kept, two, candidate, earlier, nxt, prv)


def _layout(kept, two, candidate, earlier, nxt, prv):
    """Walk each chain from its head; rows whose columns no head reaches (a cycle) are
    dropped from the kept ones."""
    heads = np.flatnonzero((nxt >= 0) & (prv < 0))
    walk = [heads]
    while len(walk) <= len(nxt):
        step = walk[-1]
        step = np.where(step >= 0, nxt[np.maximum(step, 0)], -1)
        if not (step >= 0).any():
            break
        walk.append(step)
    grid = np.stack(walk, axis=1) if len(heads) else np.zeros((0, 1), dtype=np.int64)
    reached = np.zeros(len(nxt), dtype=bool)
    reached[grid[grid >= 0]] = True
    rows_of = two[candidate]
    kept[rows_of[kept[rows_of] & ~reached[earlier[candidate]]]] = False
    # left-padded: every chain's last column in the last position
    length = grid.shape[1]
    shift = length - (grid >= 0).sum(axis=1)
    source = np.arange(length)[None, :] - shift[:, None]
    paths = np.where(source >= 0, np.take_along_axis(grid, np.maximum(source, 0), axis=1), -1)
    return kept, paths


def chain_minimum(d: np.ndarray, up: np.ndarray) -> tuple[float, np.ndarray]:
    """min sum_t d_t x_t over 0 <= x_1 <= ... <= x_T, x_t <= up_t, for every row of the
    (chains x T) arrays at once (padding: d = up = 0), and a minimiser.

    x_t <= up_s for all s >= t, so x_t <= U_t = min_{s >= t} up_s (nondecreasing in t).
    Write x by its levels: the level band (U_{k-1}, U_k] (U_0 = 0) can first be reached at
    position k, and reached from s >= k it adds D_s = sum_{t >= s} d_t per unit; the best is
    min(0, min_{s >= k} D_s), and taking each band at its least suffix keeps x monotone
    (the least position of the suffix minimum never decreases with k). So the minimum is
    sum_k (U_k - U_{k-1}) min(0, min_{s >= k} D_s)."""
    T = d.shape[1]
    U = np.minimum.accumulate(up[:, ::-1], axis=1)[:, ::-1]
    previous = np.concatenate((np.zeros((len(U), 1)), U[:, :-1]), axis=1)
    with np.errstate(invalid="ignore"):
        width = np.where(np.isfinite(previous), U - previous, 0.0)
    D = np.cumsum(d[:, ::-1], axis=1)[:, ::-1]
    M = np.minimum.accumulate(D[:, ::-1], axis=1)[:, ::-1]
    gain = np.minimum(M, 0.0)
    taken = gain < 0
    if np.any(taken & ~np.isfinite(width)):
        return -INF, np.zeros_like(d)
    value = float(np.sum(width[taken] * gain[taken]))
    following = np.concatenate((M[:, 1:], np.full((len(M), 1), INF)), axis=1)
    record = np.where(D <= following, np.arange(T)[None, :], T)
    at = np.minimum.accumulate(record[:, ::-1], axis=1)[:, ::-1]  # least s >= k with D_s = M_k
    rows = np.repeat(np.arange(len(d))[:, None], T, axis=1)
    added = np.bincount((rows * T + at)[taken], weights=width[taken], minlength=d.size)
    return value, np.cumsum(added.reshape(d.shape), axis=1)


def dual_value(rel: Relaxation, y: np.ndarray) -> tuple[float, np.ndarray]:
    """L(y) as in the module docstring, and the minimiser x over X it is taken at."""
    b = np.where(y > 0, rel.row_lower, np.where(y < 0, rel.row_upper, 0.0))
    d = rel.cost - np.bincount(rel.column, weights=rel.value * y[rel.row],
                               minlength=len(rel.cost))
    x = np.where(d < 0, rel.upper, rel.lower)
    single = rel.single
    if np.any(~np.isfinite(x[single]) & (d[single] != 0)):
        return -INF, np.where(np.isfinite(x), x, 0.0)
    value = rel.constant + float(np.dot(y[y != 0], b[y != 0]))
    value += float(np.dot(d[single], np.where(d[single] != 0, x[single], 0.0)))
    paths = rel.paths
    if paths.size:
        on = paths >= 0
        ds = np.where(on, d[np.maximum(paths, 0)], 0.0)
        ups = np.where(on, rel.upper[np.maximum(paths, 0)], 0.0)
        chain_value, xs = chain_minimum(ds, ups)
        value += chain_value
        x[paths[on]] = xs[on]
    return value, x


def subgradient(rel: Relaxation, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A supergradient of L at y: b_i(y_i) - a_i x for the side y_i uses, and at y_i = 0 the
    row's violation at x (l_i - a_i x above 0, or u_i - a_i x below 0, else 0)."""
    activity = np.bincount(rel.row, weights=rel.value * x[rel.column], minlength=len(y))
    below = np.where(np.isfinite(rel.row_lower), rel.row_lower - activity, 0.0)
    above = np.where(np.isfinite(rel.row_upper), rel.row_upper - activity, 0.0)
    return np.where(y > 0, below, np.where(y < 0, above,
                                           np.maximum(below, 0.0) + np.minimum(above, 0.0)))


def project(rel: Relaxation, y: np.ndarray) -> np.ndarray:
    """y with the sign each row allows: >= 0 where u_i = inf, <= 0 where l_i = -inf."""
    y = np.where(np.isfinite(rel.row_upper), y, np.maximum(y, 0.0))
    return np.where(np.isfinite(rel.row_lower), y, np.minimum(y, 0.0))


def margin(rel: Relaxation, y: np.ndarray, x: np.ndarray) -> float:
    """What rounding can have added to L(y): the reduced costs d_j are each off by at most
    ~1e-14 (|c_j| + sum_i |a_ij y_i|) (sums of a few dozen products), which moves the least
    of d^T x over X by at most that times max(|lo_j|, |up_j|); the sums of L's terms by
    ~1e-12 of their absolute values. Both taken 10,000 times over, and 1e-6."""
    spread = np.abs(rel.cost) + np.bincount(rel.column, weights=np.abs(rel.value * y[rel.row]),
                                            minlength=len(rel.cost))
    extent = np.maximum(np.abs(rel.lower), np.abs(rel.upper))
    d = rel.cost - np.bincount(rel.column, weights=rel.value * y[rel.row],
                               minlength=len(rel.cost))
    b = np.where(y > 0, rel.row_lower, np.where(y < 0, rel.row_upper, 0.0))
    terms = abs(rel.constant) + float(np.abs(y[y != 0] * b[y != 0]).sum()) \
        + float(np.abs(d * x).sum())
    return 1e-10 * float(spread @ extent) + 1e-8 * terms + 1e-6


def lagrangian_floor(model: Model, steps: int = 100) -> float | None:
    """max L(y) over `steps` projected subgradient steps from y = 0 (module docstring),
    less its `margin`: a lower bound on phase 1's objective for every plan of `model`.
    None when the model's rows cannot be read as arrays or a column stays unbounded."""
    rel = relaxation(model)
    if rel is None or not np.all(np.isfinite(rel.upper)) or not np.all(np.isfinite(rel.lower)):
        return None
    y = np.zeros(len(rel.row_lower))
    best, best_y, best_x, scale, idle = -INF, y, None, 1.0, 0
    for _ in range(steps):
        value, x = dual_value(rel, y)
        if value > best:
            best, best_y, best_x, idle = value, y, x, 0
        else:
            idle += 1
            if idle >= 20:
                scale, idle = scale / 2, 0
        g = subgradient(rel, y, x)
        norm = float(g @ g)
        if norm == 0 or not np.isfinite(best):
            break
        target = best + 0.05 * scale * max(abs(best), 1.0)
        y = project(rel, y + (target - value) / norm * g)
    if best_x is None or not np.isfinite(best):
        return None
    return best - margin(rel, best_y, best_x)
