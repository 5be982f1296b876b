"""A proven floor under phase 1's objective that needs no solver.

When HiGHS stops at its time limit before its root relaxation is solved (from about 2,000
synthetic servers up) it has no bound, and a plan would come with no gap at all. This floor
is the optimum of a relaxation that is solved by sorting, so it costs milliseconds at any size
and holds for every plan the model allows: the gap it gives is pessimistic, never flattering.

For each period t (length L_t) the model's unserved hours are
    L_t [ sum_g w_g (n_g - served_g(t)) + sum_k w_k (1 - share_k(t)) + w_os (1 - stored(t) / D) ]
and each term is bounded from its own relaxation:

- servers: drop the dependencies, the spread policy (but the most of g any placement
  holds under it, m_g <= n_g: domain/spread.py), monotony and every coupling between
  groups except the total capacity. Group g alone serves at most
      x_g <= min(m_g, egress_gb(<=t) / d_g, sum_p y_gp),
      y_gp = min(k_gp cap_p(t), sum_{c of g at p} ub(r[c,t]), k_gp q_gp(t),
             ingress_p_gb(<=t) / d_g),
  q_gp(t) the servers of g that p's unit quotas allow (limit over the least any of g's
  models there takes),
  (d_g its data per server, the data terms only when d_g > 0; egress_gb(<=t) and
  ingress_p_gb(<=t) the GB the source can send and p receive in hours 1..t), and all groups
  together at most sum_p k_p cap_p(t), k_gp the most servers of g one host at p holds
  (domain/packing.py; 1 where g does not pack) and k_p the most over p's pairs: capacity
  and quotas count hosts. Maximising sum_g w_g x_g under these bounds is a
  fractional knapsack with unit sizes: fill the highest weights first.
- services: share_k(t) <= min(1, sum_s ub(a[s,t])).
- object storage: stored(t) <= min(D, egress_gb(<=t), sum_v ingest_v_gb(<=t)).
"""

from __future__ import annotations

from itertools import accumulate

import numpy as np

from planner.formulation.data_rows import by_pair, hosts_at_most
from planner.formulation.model import Model
from planner.formulation.objectives import UP_BEYOND_REACH
from planner.formulation.reach import old_dns_until


def _cumulative(values) -> list[float]:
    return list(accumulate(values))


def moved_by(inst) -> tuple[list[float], dict[str, list[float]]]:
    """GB the source can send, and each target receive, in hours 1..t, for every t."""
    return _cumulative(inst.egress.values), \
        {p: _cumulative(curve.values) for p, curve in inst.ingress.items()}


def landed_by(model: Model) -> tuple[list[float], dict[str, list[float]]]:
    """GB of group data that can have landed by each hour t in all, and at each target:
    `moved_by` where data may land on hosts only. At p, L_p(t) = min(A_p(t), L_p(t-1) +
    ingress_p(t)); in all, L(t) = min(sum_p A_p(t), L(t-1) + egress(t)); A_p(t) = min(
    cap_p(t) max_g d_g, sum_g d_g U_gp(t)) what the hosts p can have by t hold (U_gp the
    most of g's, formulation.data_rows.landed_at_most)."""
    inst = model.instance
    egress, ingress = moved_by(inst)
    hours = range(inst.horizon_hours + 1)
    held: dict[str, list[float]] = {}
    grouped = by_pair(inst)
    for g, p in sorted(grouped):
        group = inst.groups[g]
        if group.data_gb > 0:
            hosts = hosts_at_most(inst, g, p, grouped[(g, p)])
            held[p] = [a + group.data_gb / group.count * n
                       for a, n in zip(held.get(p, [0.0] * len(hours)), hosts)]
    largest = max((g.data_gb / g.count for g in inst.groups.values()), default=0.0)
    at, room = {}, [0.0] * len(hours)
    for p, gb in held.items():
        room_p = [min(x, inst.provider_curves[p].values[t] * largest) for t, x in enumerate(gb)]
        room = [a + b for a, b in zip(room, room_p)]
        at[p] = _landing(room_p, inst.ingress[p].values)
    return _landing(room, inst.egress.values), {p: at.get(p, ingress[p]) for p in ingress}


def _landing(room: list[float], rate) -> list[float]:
    out = [0.0]
    for t in range(1, len(room)):
        out.append(min(room[t], out[-1] + rate[t]))
    return out


class Pairs:
    """The (group, provider) pairs that have server variables, in sorted order, with what
    the servers part of the floor reads of them as arrays (one row per period for `upper`:
    the sum of the pair's r upper bounds there, candidates in index order within each sum)."""

    def __init__(self, model: Model):
        inst = model.instance
        self.pairs = sorted({(c.group, c.provider) for c in inst.candidates})
        index = {pair: i for i, pair in enumerate(self.pairs)}
        of_candidate = np.array([index[(c.group, c.provider)] for c in inst.candidates],
                                dtype=np.int64)
        period = {t: k for k, t in enumerate(inst.grid)}
        n, width = len(model.r), len(self.pairs)
        candidate = np.fromiter((ci for ci, _ in model.r), dtype=np.int64, count=n)
        at = np.fromiter((period[t] for _, t in model.r), dtype=np.int64, count=n)
        ub = np.fromiter((v.upBound for v in model.r.values()), dtype=float, count=n)
        # bincount adds in the order of its input, as the per-pair sums did one by one
        self.upper = np.bincount(at * width + of_candidate[candidate], weights=ub,
                                 minlength=len(inst.grid) * width).reshape(len(inst.grid), width)
        self.providers = sorted({p for _, p in self.pairs})
        provider_index = {p: i for i, p in enumerate(self.providers)}
        self.provider = np.array([provider_index[p] for _, p in self.pairs], dtype=np.int64)
        self.group_names = sorted({g for g, _ in self.pairs})
        group_index = {g: i for i, g in enumerate(self.group_names)}
        self.group = np.array([group_index[g] for g, _ in self.pairs], dtype=np.int64)
        groups = [inst.groups[g] for g, _ in self.pairs]
        self.count = np.array([g.count for g in groups], dtype=float)
        # group -> the most of it any placement holds, where the spread policy holds it
        # below its count (domain/spread.py; the model's group_demand rows)
        self.most = {g: limit.most for g, limit in inst.spread_limits().items()}
        self.data_gb = np.array([g.data_gb for g in groups], dtype=float)
        self.quota_cap, self.least_units = _unit_quotas(inst, self.pairs)
        self.upper = np.minimum(self.upper, _landed_servers(model, self.pairs))
        # the most servers of the pair one host holds (domain/packing.py): capacities and
        # quotas count hosts, so a pair's servers are at most k times what they allow
        per_host: dict[tuple[str, str], int] = {}
        for c in inst.candidates:
            key = (c.group, c.provider)
            per_host[key] = max(per_host.get(key, 1), c.per_host)
        self.k = np.array([per_host[pair] for pair in self.pairs], dtype=float)
        self.provider_k = np.ones(len(self.providers))
        np.maximum.at(self.provider_k, self.provider, self.k)


def _landed_servers(model: Model, pairs: list) -> np.ndarray:
    """Per period and pair, the servers whose data can have landed by then: the upper
    bound of the last copy variable at or before it over the GB per server (0 with none
    yet); inf for a pair without data."""
    inst = model.instance
    out = np.full((len(inst.grid), len(pairs)), np.inf)
    for j, (g, p) in enumerate(pairs):
        group = inst.groups[g]
        if group.data_gb <= 0:
            continue
        per_server = group.data_gb / group.count
        for k, t in enumerate(inst.grid):
            landed = model.copied(g, p, t)
            out[k, j] = 0.0 if isinstance(landed, (int, float)) else \
                np.floor(landed.upBound / per_server + 1e-9)
    return out


def _unit_quotas(inst, pairs: list) -> tuple[np.ndarray, dict]:
    """For the unit quotas that count every model of a pair's candidates: the servers of
    g at p they allow in each period (a row per period: floor(Q_q(t) / the least one of
    g's models there takes); inf where none does), and by quota (p, name) the least each
    pair at p takes of it (inf for the other pairs)."""
    offerings: dict[tuple[str, str], list[str]] = {}
    for c in inst.candidates:
        offerings.setdefault((c.group, c.provider), []).append(c.offering)
    caps = np.full((len(inst.grid), len(pairs)), np.inf)
    least: dict[tuple[str, str], np.ndarray] = {}
    for key, curve in sorted(inst.quota_curves.items()):
        units, limit = inst.quota_units[key], np.array([curve.values[t] for t in inst.grid])
        for j, (g, p) in enumerate(pairs):
            if p != key[0] or any(o not in units for o in offerings[(g, p)]):
                continue
            a = min(units[o] for o in offerings[(g, p)])
            least.setdefault(key, np.full(len(pairs), np.inf))[j] = a
            caps[:, j] = np.minimum(caps[:, j], np.floor(limit / a + 1e-9))
    return caps, least


def _servers_served_weight(model: Model, pairs: Pairs, k: int, t: int, egress_gb: float,
                           ingress_gb: dict[str, float]) -> float:
    """Most tier-weighted servers any plan has serving in period t (the knapsack above),
    period t being the k-th of the grid."""
    inst = model.instance
    upper = pairs.upper[k]
    present = upper > 0  # the pairs with a server variable in this period (each has ub >= 1)
    caps = np.array([inst.provider_curves[p].values[t] for p in pairs.providers])
    y = np.minimum(np.minimum(caps[pairs.provider] * pairs.k, upper),
                   pairs.quota_cap[k] * pairs.k)
    ingress = np.array([ingress_gb[p] for p in pairs.providers])[pairs.provider]
    has_data = pairs.data_gb > 0
    y[has_data] = np.minimum(y[has_data], ingress[has_data] * pairs.count[has_data]
                             / pairs.data_gb[has_data])
    y[~present] = 0.0
    reach = np.bincount(pairs.group, weights=y, minlength=len(pairs.group_names))
    room = sum(caps[i] * pairs.provider_k[i]
               for i in sorted(set(pairs.provider[present].tolist())))
    weighted = 0.0
    # items (weight per server, group, most servers): a user-facing group is two, its
    # servers within the users' reach E(t) at its weight, the rest at UP_BEYOND_REACH of it
    items = []
    for gi in sorted(set(pairs.group[present].tolist())):
        name = pairs.group_names[gi]
        group, w = inst.groups[name], inst.weights[name]
        if group.user_facing:
            e = front_at_most(model, t)
            items += [(w, name, gi, group.count * e),
                      (w * UP_BEYOND_REACH, name, gi, group.count * (1 - e))]
        else:
            items.append((w, name, gi, group.count))
    left = {gi: min(pairs.most.get(name, inst.groups[name].count), reach[gi])
            for _, name, gi, _ in items}
    for gi in left:
        group = inst.groups[pairs.group_names[gi]]
        if group.data_gb > 0 and group.data_from is None:  # seeded data leaves no source
            left[gi] = min(left[gi], egress_gb * group.count / group.data_gb)
    for w, _, gi, most in sorted(items, key=lambda i: (-i[0], i[1])):
        x = min(most, left[gi], room)
        weighted += w * x
        left[gi] -= x
        room -= x
        if room <= 0:
            break
    return float(weighted)


def reach_at_most(model: Model, t: int) -> float:
    """E(t) at most: the best DNS offering's reach once the old DNS stops answering, else 1."""
    inst = model.instance
    if inst.inventory.services.dns is None or t < old_dns_until(model):
        return 1.0
    return max((sc.share.values[t] for sc in inst.service_candidates if sc.kind == "dns"),
               default=0.0)


def front_at_most(model: Model, t: int) -> float:
    """The users' reach of user-facing groups at most: E(t), and 0 before the edge serves
    when the inventory states one."""
    edge = model.instance.edge
    if edge is not None and (edge.ready_hour is None or t < edge.ready_hour):
        return 0.0
    return reach_at_most(model, t)


def users_can_reach(model: Model, t: int) -> float:
    """What a user-facing group counts, per server, at most at grid point t: E(t) for the
    share reached, and UP_BEYOND_REACH for the rest (objectives.unserved)."""
    reach = front_at_most(model, t)
    return min(1.0, reach + UP_BEYOND_REACH * (1 - reach))


def unserved_floor(model: Model, served_at_most: list[float] | None = None) -> float:
    """A lower bound on the tier-weighted unserved hours of every plan of `model` (the
    relaxation in the module docstring), summed over periods with their weighted lengths
    (instance.period_weight, as the objective counts them).
    `served_at_most`, one per period of the grid, is a tighter bound on the tier-weighted
    servers serving there (planner/solver/period_floor.py); the knapsack's is kept where lower."""
    inst = model.instance
    source_gb = moved_by(inst)[0]  # object storage lands on no host
    egress, ingress = landed_by(model)
    ingest = {v: _cumulative(curve.values) for v, curve in inst.storage_ingest.items()}
    storage = inst.inventory.services.object_storage
    pairs = Pairs(model)
    demand = sum(inst.weights[g] * group.count for g, group in inst.groups.items())
    floor = 0.0
    for k, t in enumerate(inst.grid):
        served = _servers_served_weight(
            model, pairs, k, t, egress[t], {p: ingress[p][t] for p in ingress})
        if served_at_most is not None:
            served = min(served, served_at_most[k])
        missing = demand - served
        old = old_dns_until(model)
        for kind in ("sms", "email", "dns"):
            if kind in inst.weights:
                ubs = [var.upBound for (si, u), var in model.share.items()
                       if u == t and inst.service_candidates[si].kind == kind]
                most = min(1.0, sum(ubs))
                if kind == "dns":  # one delegation: the best vendor's reach, once counted
                    most = 1.0 if t < old else max(ubs, default=0.0)
                elif kind == "email" and "dns" in inst.weights and t >= old:
                    most = min(most, reach_at_most(model, t))
                missing += inst.weights[kind] * (1 - most)
        if "object_storage" in inst.weights:
            total_gb = storage.stored_tb * 1000
            vendors = sorted({v for v, _ in model.store})
            most_gb = min(total_gb, source_gb[t], sum(ingest[v][t] for v in vendors))
            missing += inst.weights["object_storage"] * (
                1 - most_gb / total_gb if total_gb > 0 else 1)
        floor += inst.period_weight[t] * max(0.0, missing)
    return floor
