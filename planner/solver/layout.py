"""Mixed host layouts: which servers of several groups share each host of one offering.

The plan's MILP counts hosts one group at a time (a host holds k_g servers of ONE group:
domain/packing.py). Once it has said how many servers of each group run on an offering,
hour by hour, the servers are packed onto hosts that may mix groups: a vector bin
packing, solved here by patterns (Gilmore and Gomory):

- a pattern a is a host's content, a_g servers of group g, feasible when
  sum_g a_g size_g[d] <= room[d] for each dimension d (vCPU with the overcommit, RAM, disk)
  and a_g <= most_g (the group's anti-affinity limit);
- column generation on the LP min sum_p y_p s.t. sum_p a_pg y_p >= n_g (n_g the servers at
  the horizon) gives the patterns and a lower bound on the hosts: each round's pricing
  problem max sum_g pi_g a_g over feasible a (a knapsack, solved by HiGHS) bounds the LP
  optimum by z_RMP / max(1, v) (Farley), which is z_RMP itself once no pattern prices out;
- an integer program over the patterns and the hours then chooses m[p,t], the hosts of
  pattern p made by hour t: hosts stay (m[p,t'] <= m[p,t] for t' < t), every server has a
  slot (sum_p a_pg m[p,t] >= n_g(t)) and no hour has more hosts than the one-group layout
  the MILP planned (sum_p m[p,t] <= cap(t)), so every capacity, quota, rate and team limit
  the MILP met still holds. It minimises the hosts at the horizon, then host-hours.

The one-group patterns (k_g of g alone) are always in the set, so the MILP's own layout is
feasible and the result is never worse than it. The integer program is exact over the
patterns generated (price and branch), not over all patterns: its hosts minus the column
generation bound is the gap, reported. Limits are counts of iterations and nodes, never
seconds, so the same inputs give the same layout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from planner.solver.highs import new_highs

TOLERANCE = 1e-9
MAX_ROUNDS = 2000  # column generation rounds
COLUMNS_PER_ROUND = 20  # patterns a round may add (the dynamic program's best ones)
MAX_NODES = 5_000  # branch and bound nodes of the integer program over the patterns


@dataclass(frozen=True)
class Bin:
    """What one host offers per dimension (vCPU after overcommit, RAM GB, disk GB)."""

    room: tuple[float, ...]


@dataclass(frozen=True)
class Kind:
    """Servers of one group: their size per dimension, the most on one host, and how many
    one host holds of them alone (k_g: what the plan's MILP counted, domain/packing.py)."""

    size: tuple[float, ...]
    most: int
    alone: int


@dataclass(frozen=True)
class Layout:
    patterns: list[tuple[int, ...]]  # a_pg, one tuple per pattern used, in kinds' order
    hosts: list[list[int]]  # m[p,t] per pattern, for each hour given
    lower_bound: int  # proven least hosts at the horizon (column generation)


def single(kinds: list[Kind]) -> list[tuple[int, ...]]:
    """k_g of g alone on a host, for each g: the one-group layout."""
    return [tuple(kind.alone if i == g else 0 for i in range(len(kinds)))
            for g, kind in enumerate(kinds)]


def first_fit_decreasing(kinds: list[Kind], host: Bin, need: list[int]) -> list[tuple[int, ...]]:
    """The patterns of first fit decreasing (largest share of the host first): a good
    integer start whose patterns column generation alone may never produce."""
    order = sorted(range(len(kinds)), key=lambda g: (-max(
        s / r for s, r in zip(kinds[g].size, host.room) if r > 0), g))
    hosts: list[list[int]] = []
    used: list[list[float]] = []
    for g in order:
        for _ in range(need[g]):
            for j, content in enumerate(hosts):
                if content[g] < kinds[g].most and all(
                        used[j][d] + kinds[g].size[d] <= host.room[d] + 1e-9
                        for d in range(len(host.room))):
                    content[g] += 1
                    used[j] = [u + s for u, s in zip(used[j], kinds[g].size)]
                    break
            else:
                hosts.append([1 if i == g else 0 for i in range(len(kinds))])
                used.append(list(kinds[g].size))
    return sorted({tuple(h) for h in hosts})


def _highs():
    h = new_highs()  # the process's thread count: HiGHS refuses a second one
    h.setOptionValue("random_seed", 0)
    return h


DP_CELLS = 50_000_000  # pieces x capacity, the most the dynamic program may hold


def _price(kinds: list[Kind], host: Bin, duals: np.ndarray, need: list[int]):
    """max sum_g pi_g a_g over feasible patterns (a bounded knapsack in each dimension):
    the pattern and the proven upper bound on its value. One dimension of whole sizes
    (bin packing): a dynamic program over the capacity, 0.1 ms where HiGHS took 46 ms;
    else HiGHS."""
    import highspy

    upper = [min(k.most, n) for k, n in zip(kinds, need)]
    sized = [d for d in range(len(host.room))  # the dimensions a pattern can fill
             if sum(k.size[d] * u for k, u in zip(kinds, upper)) > host.room[d] + 1e-9]
    if len(sized) <= 1:
        if not sized:  # nothing binds: all of what is left fits one host
            return [tuple(upper)], float(np.dot(duals, upper))
        d = sized[0]
        weights = [k.size[d] for k in kinds]
        if all(float(w).is_integer() for w in weights):
            found = _knapsack([int(w) for w in weights], duals, upper,
                              int(math.floor(host.room[d] + 1e-9)))
            if found is not None:
                return found, float(np.dot(duals, found[0]))

    h = _highs()
    h.setOptionValue("mip_rel_gap", 1e-7)
    inf = highspy.kHighsInf
    n = len(kinds)
    for g, kind in enumerate(kinds):
        h.addVar(0.0, float(upper[g]))
        h.changeColCost(g, -float(duals[g]))
        h.changeColIntegrality(g, highspy.HighsVarType.kInteger)
    for d, room in enumerate(host.room):
        idx = [g for g in range(n) if kinds[g].size[d] > 0]
        if idx:
            h.addRow(-inf, float(room), len(idx), np.array(idx, dtype=np.int32),
                     np.array([kinds[g].size[d] for g in idx], dtype=float))
    h.run()
    values = h.getSolution().col_value
    pattern = tuple(int(round(values[g])) for g in range(n))
    info = h.getInfo()
    bound = -float(info.mip_dual_bound) if info.mip_dual_bound == info.mip_dual_bound else inf
    return [pattern], max(bound, float(np.dot(duals, pattern)))


def _knapsack(weights: list[int], values: np.ndarray, upper: list[int],
              capacity: int) -> list[tuple[int, ...]] | None:
    """max sum_g v_g a_g s.t. sum_g w_g a_g <= C, 0 <= a_g <= u_g whole: each g split into
    pieces of 1, 2, 4, ... copies (a 0/1 knapsack over them), the table one array over
    0..C; None when it would exceed DP_CELLS. The best pattern first, then the best ones
    ending at other capacities (several columns a round: column generation on bin
    packing tails off for hundreds of rounds with one)."""
    pieces = []
    for g, (w, u) in enumerate(zip(weights, upper)):
        if values[g] <= 0 or u <= 0 or w > capacity:
            continue
        if w == 0:
            pieces.append((g, u, 0))
            continue
        u = min(u, capacity // w)
        m = 1
        while u > 0:
            take = min(m, u)
            pieces.append((g, take, take * w))
            u -= take
            m *= 2
    if len(pieces) * (capacity + 1) > DP_CELLS:
        return None
    best = np.zeros(capacity + 1)
    taken = []
    for g, copies, w in pieces:
        value = copies * values[g]
        if w == 0:
            better = np.ones(capacity + 1, dtype=bool)
            best = best + value
        else:
            candidate = np.full(capacity + 1, -np.inf)
            candidate[w:] = best[:-w] + value
            better = candidate > best + 1e-12
            best = np.where(better, candidate, best)
        taken.append(better)
    out = []
    for end in np.argsort(-best, kind="stable")[:COLUMNS_PER_ROUND]:
        pattern, c = [0] * len(weights), int(end)
        for (g, copies, w), better in zip(reversed(pieces), reversed(taken)):
            if better[c]:
                pattern[g] += copies
                c -= w
        out.append(tuple(pattern))
    return out


def _master(kinds: list[Kind], host: Bin, need: list[int], pool: list[tuple[int, ...]]):
    """Column generation on min sum_p y_p s.t. sum_p a_pg y_p >= need_g, from the patterns
    in `pool` (to which it adds those it prices out): the LP's y over the pool and the
    Farley lower bound on its optimum."""
    import highspy

    rows = [g for g in range(len(kinds)) if need[g] > 0]
    if not rows:
        return [0.0] * len(pool), 0.0
    lp = _highs()
    inf = highspy.kHighsInf
    for g in rows:
        lp.addRow(float(need[g]), inf, 0, np.array([], dtype=np.int32), np.array([]))
    position = {g: i for i, g in enumerate(rows)}

    def add(pattern):
        idx = [position[g] for g in rows if pattern[g]]
        lp.addCol(1.0, 0.0, inf, len(idx), np.array(idx, dtype=np.int32),
                  np.array([float(min(pattern[rows[i]], need[rows[i]])) for i in idx]))

    for pattern in pool:
        add(pattern)
    known = set(pool)
    best = 0.0
    for _ in range(MAX_ROUNDS):
        lp.run()
        if lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break  # no bound from this round (the one-group layout still stands)
        z = lp.getInfo().objective_function_value
        duals = np.zeros(len(kinds))
        for g, pi in zip(rows, lp.getSolution().row_dual):
            duals[g] = max(0.0, pi)
        found, value = _price(kinds, host, duals, need)
        best = max(best, z / max(1.0, value))
        fresh = [p for p in dict.fromkeys(found)
                 if p not in known and float(np.dot(duals, p)) > 1 + 1e-9]
        if value <= 1 + 1e-9 or not fresh:
            break
        for pattern in fresh:
            pool.append(pattern)
            known.add(pattern)
            add(pattern)
    return list(lp.getSolution().col_value), best


def dive(kinds: list[Kind], host: Bin, need: list[int], pool: list[tuple[int, ...]]):
    """An integer layout at one hour by diving on the column generation LP: fix the whole
    part of every y_p >= 1 (else one host of the largest y_p), take what they hold off the
    need, generate again on what is left, until nothing is. Returns the hosts per pattern
    (patterns cut to what was left) and the root's lower bound."""
    left = list(need)
    hosts: dict[tuple[int, ...], int] = {}
    root = None
    while any(left):
        y, bound = _master(kinds, host, left, pool)
        root = bound if root is None else root
        useful = [p for p in range(len(y)) if any(min(a, n) for a, n in zip(pool[p], left))]
        fixed = [(p, math.floor(y[p] + 1e-6)) for p in useful if y[p] >= 1 - 1e-6]
        if not fixed:  # one host of the largest y that still holds something left
            fixed = [(max(useful, key=lambda p: (y[p], -p)), 1)]
        for p, copies in fixed:
            for _ in range(copies):
                cut = tuple(min(a, n) for a, n in zip(pool[p], left))
                if not any(cut):
                    break
                hosts[cut] = hosts.get(cut, 0) + 1
                left = [n - a for n, a in zip(left, cut)]
    return hosts, math.ceil((root or 0.0) - 1e-6)


def lay_out(kinds: list[Kind], host: Bin, need_by_hour: list[list[int]],
            cap_by_hour: list[int]) -> Layout:
    """Hosts of each pattern made by each hour given (need_by_hour[t][g] servers of g,
    at most cap_by_hour[t] hosts; the last hour is the horizon)."""
    import highspy

    singles = single(kinds)
    pool = list(dict.fromkeys(singles + first_fit_decreasing(kinds, host, need_by_hour[-1])))
    dived, bound = dive(kinds, host, need_by_hour[-1], pool)
    patterns = list(dict.fromkeys(pool + sorted(dived)))
    h = _highs()
    h.setOptionValue("mip_max_nodes", MAX_NODES)
    h.setOptionValue("mip_rel_gap", 0.0)
    inf = highspy.kHighsInf
    P, T = len(patterns), len(need_by_hour)
    weight = 1.0 + sum(cap_by_hour)  # hosts at the horizon first, then host-hours
    col = np.arange(P * T, dtype=np.int32).reshape(P, T)
    for p in range(P):
        for t in range(T):
            h.addVar(0.0, float(cap_by_hour[t]))
            h.changeColCost(int(col[p, t]), 1.0 + (weight if t == T - 1 else 0.0))
            h.changeColIntegrality(int(col[p, t]), highspy.HighsVarType.kInteger)
    for t in range(T):
        for g in range(len(kinds)):
            users = [p for p in range(P) if patterns[p][g]]
            if need_by_hour[t][g] > 0:
                h.addRow(float(need_by_hour[t][g]), inf, len(users),
                         col[users, t].astype(np.int32),
                         np.array([float(patterns[p][g]) for p in users]))
        h.addRow(-inf, float(cap_by_hour[t]), P, col[:, t].astype(np.int32), np.ones(P))
        if t:
            for p in range(P):
                h.addRow(-inf, 0.0, 2, np.array([col[p, t - 1], col[p, t]], dtype=np.int32),
                         np.array([1.0, -1.0]))
    start = np.rint(_start(patterns, singles, kinds, need_by_hour, cap_by_hour, dived))
    h.run()  # no start handed over: with one, HiGHS 1.16 stopped on a worse layout than
    # it finds without (u250_12: 106 hosts "optimal", 105 without)
    values = start
    if h.getInfo().primal_solution_status == 2:
        found = np.rint(np.array(h.getSolution().col_value)).reshape(P, T)
        if _holds(found, patterns, need_by_hour, cap_by_hour) and \
                (found[:, -1].sum(), found.sum()) <= (start[:, -1].sum(), start.sum()):
            values = found
    values = values.astype(int)
    kept = [p for p in range(P) if values[p, -1] > 0]
    hosts = [values[p].tolist() for p in kept]
    total = int(sum(row[-1] for row in hosts))
    return Layout(patterns=[patterns[p] for p in kept], hosts=hosts,
                  lower_bound=min(bound, total))


def _holds(m: np.ndarray, patterns, need_by_hour, cap_by_hour) -> bool:
    """m[p,t] gives every server a slot, keeps to the cap and never drops."""
    a = np.array(patterns, dtype=float)  # P x G
    return bool((m >= 0).all() and (np.diff(m, axis=1) >= 0).all()
                and (m.sum(axis=0) <= np.array(cap_by_hour) + 1e-9).all()
                and (a.T @ m >= np.array(need_by_hour).T - 1e-9).all())


def _start(patterns, singles, kinds, need_by_hour, cap_by_hour, dived) -> np.ndarray:
    """A feasible m[p,t]: the dive's hosts at every hour where they fit the cap (they
    hold every hour's servers, which only grow), else the one-group layout at that hour
    (k_g of g alone: what the plan's MILP counted), which always does."""
    index = {p: i for i, p in enumerate(patterns)}
    out = np.zeros((len(patterns), len(need_by_hour)), dtype=float)
    dived_total = sum(dived.values())
    switched = False
    for t, need in enumerate(need_by_hour):
        if switched or dived_total <= min(cap_by_hour[t:]):
            switched = True
            for pattern, n in dived.items():
                out[index[pattern], t] = n
        else:
            for g, pattern in enumerate(singles):
                out[index[pattern], t] = -(-need[g] // pattern[g])
    return out
