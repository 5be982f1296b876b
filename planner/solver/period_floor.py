"""A tighter floor under phase 1: one small LP per period, for models whose coverage phase
stops short and whose sorting floor (planner/solver/bounds.py) is loose.

The sorting floor keeps no coupling between groups but the total capacity. After the
deadline, on the synthetic instances, what binds is the spread policy on the final placement
with the capacity the groups share there (2,000 servers: at hour 50 the sorting floor has a
stack's web tier serving 198 of 280, the LP relaxation of the whole model 145). For a period
t of length L_t, with y[g,p] the servers of g serving at p in t, P[g,p] those placed at p at
the horizon H and X[g] = sum_p P[g,p], every plan of the model satisfies

    y[g,p] <= min(k cap_p(t), u[g,p](t))    u: the sum of the pair's r upper bounds
    sum_p y[g,p] <= n_g,   sum_g y[g,p] / k <= cap_p(t)               demand, capacity
    sum_g a_q[g,p] y[g,p] / k <= Q_q(t)  for each unit quota q of p    vCPU, RAM, GPUs, IPv4
    sum_g d_g y[g,p] <= ingress_p_gb(<=t),   sum d_g y <= egress_gb(<=t)   data arrived
    n_h sum_p y[g,p] <= n_g sum_p y[h,p]   for h in depends_on(g)     dependencies
    y[g,p] <= P[g,p] <= min(k cap_p(H), u[g,p](H))                    servers stay up
    sum_p P[g,p] <= m_g,   sum_g P[g,p] / k <= cap_p(H)     m_g: n_g, or fewer where
                                                   the spread policy holds g below it
    P[g,p] <= share X[g]   for a spread group                         the spread policy

(k = k[g,p] the most servers of g one host at p holds, domain/packing.py, 1 where g does
not pack: capacities and quotas count hosts; P[g,p] as y[g,p]; a_q[g,p] the least a host
of g's models at p takes of q, over the pairs whose models
q all counts; d_g GB of data per server; y <= P because capacity curves never fall, so a server
variable at t has one at every later grid point and the stay-up rows chain them up to H;
share = max_share_per_provider, and at most 1 - min_surviving_share when a loss must be
survived: the k largest shares together stay under it, so each one does). It drops
monotony between periods, the copies' timing within the first t hours, the offerings' own
stock and the policy's survive-k beyond each share, so max sum_g w_g sum_p y[g,p] bounds
the tier-weighted servers serving in t from above, and planner/solver/bounds.py turns that into
unserved hours (services and storage as there).

Measured: 2,000 synthetic servers, floor 37.1 -> 45.2 million in 1.3 s, against an LP
relaxation of 45.26 million; 10,000 servers in 100 groups, 267.0 -> 270.3 million in 4.3 s
(LP 275.7 million).
"""

from __future__ import annotations

import numpy as np

from planner.domain import labour
from planner.formulation.model import Model
from planner.solver.bounds import Pairs, landed_by, unserved_floor, users_can_reach
from planner.solver.highs import new_highs

# Seconds per (pair, period) the LPs take, measured on 2 cores (2,000 synthetic servers:
# 100,000 pair-periods, 1.5 s; 10,000 in 100 groups: 360,000, about 5 s), and the most
# they may take: at 500 groups (2.2 million pair-periods) it would be half a minute.
SECONDS_PER_PAIR_PERIOD = 1.5e-5
MOST_SECONDS = 10.0


def affordable(model: Model, seconds: float | None) -> bool:
    """Whether the LPs are expected to take at most `seconds` (None: no limit) and at most
    MOST_SECONDS."""
    pairs = len({(c.group, c.provider) for c in model.instance.candidates})
    need = pairs * len(model.instance.grid) * SECONDS_PER_PAIR_PERIOD
    return need <= MOST_SECONDS and (seconds is None or need <= seconds)


def period_floor(model: Model, team: bool = False) -> float:
    """The sorting floor with each period's servers bounded by the LP above; with `team`
    (a stated team, the model with the team's rows), by the team's hours too (`_team_row`):
    then a floor under the plans the team can carry out only."""
    return unserved_floor(model, served_at_most(model, team and model.instance.team_planned))


def served_at_most(model: Model, team: bool = False) -> list[float]:
    """Per period of the grid, an upper bound on the tier-weighted servers serving there
    (inf where an LP did not solve to optimality: the knapsack's bound is kept there)."""
    inst = model.instance
    pairs = Pairs(model)
    egress, ingress = landed_by(model)
    return [_period(model, pairs, k, t, egress[t], {p: ingress[p][t] for p in ingress}, team)
            for k, t in enumerate(inst.grid)]


class _Lp:
    """Columns and rows of one period's LP, collected as lists and handed over at once."""

    def __init__(self):
        self.lower, self.upper, self.cost = [], [], []
        self.row_lower, self.row_upper, self.starts, self.index, self.value = [], [], [], [], []

    def columns(self, upper, cost) -> np.ndarray:
        first = len(self.upper)
        self.lower.extend([0.0] * len(upper))
        self.upper.extend(upper)
        self.cost.extend(cost)
        return np.arange(first, len(self.upper))

    def row(self, index, value, lower: float, upper: float) -> None:
        self.starts.append(len(self.index))
        self.index.extend(int(i) for i in index)
        self.value.extend(float(v) for v in value)
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    def solve(self) -> float | None:
        """The least objective, or None unless HiGHS proves it optimal."""
        import highspy

        h = new_highs()
        n = len(self.upper)  # numpy's inf is HiGHS's: highspy.kHighsInf == float("inf")
        h.addVars(n, np.array(self.lower), np.array(self.upper))
        h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(self.cost))
        if self.starts:
            h.addRows(len(self.starts), np.array(self.row_lower), np.array(self.row_upper),
                      len(self.index), np.array(self.starts, dtype=np.int64),
                      np.array(self.index, dtype=np.int32), np.array(self.value))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return h.getInfo().objective_function_value


def _period(model: Model, pairs: Pairs, k: int, t: int, egress_gb: float,
            ingress_gb: dict[str, float], team: bool = False) -> float:
    inst = model.instance
    names, groups = pairs.group_names, inst.groups
    policy = inst.inventory.policy
    share = policy.max_share_per_provider
    if policy.survive_provider_losses > 0:
        share = min(share, 1 - policy.min_surviving_share)
    last = len(inst.grid) - 1
    H = inst.grid[last]
    cap_t = np.array([inst.provider_curves[p].values[t] for p in pairs.providers])
    cap_h = np.array([inst.provider_curves[p].values[H] for p in pairs.providers])
    here = np.flatnonzero(pairs.upper[k] > 0)
    placed = np.flatnonzero(pairs.upper[last] > 0)
    lp = _Lp()
    weight = np.array([inst.weights[names[g]] for g in pairs.group[here]])
    per = pairs.k  # servers on a host: capacities and quotas count hosts, y / k of them
    y = lp.columns(np.minimum(cap_t[pairs.provider[here]] * per[here],
                              pairs.upper[k][here]).tolist(), (-weight).tolist())
    P = lp.columns(np.minimum(cap_h[pairs.provider[placed]] * per[placed],
                              pairs.upper[last][placed]).tolist(), [0.0] * len(placed))
    per_server = np.divide(pairs.data_gb, pairs.count, out=np.zeros(len(pairs.pairs)),
                           where=pairs.count > 0)
    y_of, P_of = dict(zip(here.tolist(), y)), dict(zip(placed.tolist(), P))
    by_group = _by(pairs.group, here)
    for g, members in by_group.items():  # demand; users reach a user-facing group by name
        group = groups[names[g]]
        most = group.count * (users_can_reach(model, t) if group.user_facing else 1.0)
        lp.row([y_of[i] for i in members], [1.0] * len(members), -np.inf, most)
    for (p, name), least in sorted(pairs.least_units.items()):  # unit quotas (vCPU, ...)
        counted = [i for i in here.tolist() if np.isfinite(least[i])]
        if counted:
            lp.row([y_of[i] for i in counted], least[counted] / per[counted], -np.inf,
                   inst.quota_curves[(p, name)].values[t])
    for j, members in _by(pairs.provider, here).items():  # capacity, data arrived
        lp.row([y_of[i] for i in members], 1.0 / per[members], -np.inf, cap_t[j])
        data = [i for i in members if per_server[i] > 0]
        if data:
            lp.row([y_of[i] for i in data], per_server[data], -np.inf,
                   ingress_gb[pairs.providers[j]])
    data = [i for i in here.tolist() if per_server[i] > 0  # seeded data leaves no source
            and groups[names[pairs.group[i]]].data_from is None]
    if data:
        lp.row([y_of[i] for i in data], per_server[data], -np.inf, egress_gb)
    index_of = {name: g for g, name in enumerate(names)}
    for g, members in by_group.items():  # dependencies
        group = groups[names[g]]
        for h in group.needs:
            theirs = by_group.get(index_of.get(h, -1), [])
            lp.row([y_of[i] for i in members] + [y_of[i] for i in theirs],
                   [float(groups[h].count)] * len(members) + [-float(group.count)] * len(theirs),
                   -np.inf, 0.0)
    for i in here.tolist():  # servers stay up: serving in t, placed at H
        if i in P_of:
            lp.row([y_of[i], P_of[i]], [1.0, -1.0], -np.inf, 0.0)
    for g, members in _by(pairs.group, placed).items():
        lp.row([P_of[i] for i in members], [1.0] * len(members), -np.inf,
               pairs.most.get(names[g], groups[names[g]].count))
        if groups[names[g]].spread and share < 1:
            (X,) = lp.columns([np.inf], [0.0])
            lp.row([P_of[i] for i in members] + [X], [1.0] * len(members) + [-1.0], 0.0, 0.0)
            for i in members:
                lp.row([P_of[i], X], [1.0, -share], -np.inf, 0.0)
    for j, members in _by(pairs.provider, placed).items():
        lp.row([P_of[i] for i in members], 1.0 / per[members], -np.inf, cap_h[j])
    if team and len(here):
        _team_row(model, pairs, lp, here, y, t, cap_t)
    least = lp.solve()
    if least is None:
        return np.inf
    # HiGHS's optimum is exact to its tolerances (1e-7): widen it so the floor stays below
    return -least * (1 + 1e-9) + 1e-6


def _team_row(model: Model, pairs: Pairs, lp: _Lp, here: np.ndarray, y: np.ndarray, t: int,
              cap_t: np.ndarray) -> None:
    """The work due by t within the team's hours by t (formulation/labour.py team_hours):
        sum_{g,p} (e_p / k + B_g / n_g + S_p / K_p(t)) y[g,p] <= A(t)
    e_p the making of a server at p (of a host, which holds k), B_g g's bootstrap, charged
    once at least wherever g serves, so at least B_g y / n_g for y of its n_g servers; S_p
    p's setup, charged once when p serves anything, so at least S_p y / K_p(t) with K_p(t)
    = k_max cap_p(t) the most servers p can have in t. Every server serving in t was made,
    brought up and its provider set up by t, so every plan the team can carry out keeps
    it. Vendors' setups are left out (the floor only grows weaker)."""
    inst = model.instance
    catalog, names = inst.catalog, pairs.group_names
    providers = [inst.providers[pairs.providers[j]] for j in pairs.provider[here]]
    per = pairs.k[here]
    most = {j: cap_t[j] * pairs.k[members].max()
            for j, members in _by(pairs.provider, here).items()}
    each = np.array([labour.server_hours(catalog, p) for p in providers]) / per
    groups = [inst.groups[names[g]] for g in pairs.group[here]]
    boot = np.array([labour.bootstrap_effort_hours(catalog, g) / g.count for g in groups])
    setup = np.array([labour.provider_setup_hours(catalog, p) / most[j] if most[j] > 0 else 0.0
                      for p, j in zip(providers, pairs.provider[here].tolist())])
    lp.row(y, each + boot + setup, -np.inf, inst.team_by_hour[t])


def _by(key: np.ndarray, members: np.ndarray) -> dict[int, list[int]]:
    """`members` (pair indices) grouped by key[pair], in order."""
    out: dict[int, list[int]] = {}
    for i in members.tolist():
        out.setdefault(int(key[i]), []).append(i)
    return out
