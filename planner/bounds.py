"""A proven floor under phase 1's objective that needs no solver.

When HiGHS stops at its time limit before its root relaxation is solved (from about 2,000
synthetic servers up) it has no bound, and a plan would come with no gap at all. This floor
is the optimum of a relaxation that is solved by sorting, so it costs milliseconds at any size
and holds for every plan the model allows: the gap it gives is pessimistic, never flattering.

For each period t (length L_t) the model's unserved hours are
    L_t [ sum_g w_g (n_g - served_g(t)) + sum_k w_k (1 - share_k(t)) + w_os (1 - stored(t) / D) ]
and each term is bounded from its own relaxation:

- servers: drop the dependencies, the spread policy, monotony and every coupling between
  groups except the total capacity. Group g alone serves at most
      x_g <= min(n_g, egress_gb(<=t) / d_g, sum_p y_gp),
      y_gp = min(cap_p(t), sum_{c of g at p} ub(r[c,t]), ingress_p_gb(<=t) / d_g),
  (d_g its data per server, the data terms only when d_g > 0; egress_gb(<=t) and
  ingress_p_gb(<=t) the GB the source can send and p receive in hours 1..t), and all groups
  together at most sum_p cap_p(t). Maximising sum_g w_g x_g under these bounds is a
  fractional knapsack with unit sizes: fill the highest weights first.
- services: share_k(t) <= min(1, sum_s ub(a[s,t])).
- object storage: stored(t) <= min(D, egress_gb(<=t), sum_v ingest_v_gb(<=t)).
"""

from __future__ import annotations

from itertools import accumulate

from planner.model import Model


def _cumulative(values) -> list[float]:
    return list(accumulate(values))


def _uppers(model: Model) -> dict[int, dict[tuple[str, str], float]]:
    """Period -> (group, provider) -> sum of the r upper bounds there, in one pass over the
    variables (candidates in index order within each sum)."""
    candidates = model.instance.candidates
    out: dict[int, dict[tuple[str, str], float]] = {t: {} for t in model.instance.grid}
    for (ci, t), var in model.r.items():
        c, at = candidates[ci], out[t]
        at[(c.group, c.provider)] = at.get((c.group, c.provider), 0.0) + var.upBound
    return out


def _servers_served_weight(model: Model, at: dict[tuple[str, str], float], t: int,
                           egress_gb: float, ingress_gb: dict[str, float]) -> float:
    """Most tier-weighted servers any plan has serving in period t (the knapsack above),
    from `at`: (group, provider) -> sum of the r upper bounds in period t."""
    inst = model.instance
    reach: dict[str, float] = {}
    for (g, p), upper in sorted(at.items()):
        group = inst.groups[g]
        y = min(inst.provider_curves[p].values[t], upper)
        if group.data_gb > 0:
            y = min(y, ingress_gb[p] * group.count / group.data_gb)
        reach[g] = reach.get(g, 0.0) + y
    room = sum(inst.provider_curves[p].values[t] for p in sorted({p for _, p in at}))
    weighted = 0.0
    for g in sorted(reach, key=lambda g: (-inst.weights[g], g)):
        group = inst.groups[g]
        x = min(group.count, reach[g], room)
        if group.data_gb > 0:
            x = min(x, egress_gb * group.count / group.data_gb)
        weighted += inst.weights[g] * x
        room -= x
        if room <= 0:
            break
    return weighted


def unserved_floor(model: Model) -> float:
    """A lower bound on the tier-weighted unserved hours of every plan of `model` (the
    relaxation in the module docstring), summed over periods with their lengths."""
    inst = model.instance
    egress = _cumulative(inst.egress.values)
    ingress = {p: _cumulative(curve.values) for p, curve in inst.ingress.items()}
    ingest = {v: _cumulative(curve.values) for v, curve in inst.storage_ingest.items()}
    storage = inst.inventory.services.object_storage
    uppers = _uppers(model)
    demand = sum(inst.weights[g] * group.count for g, group in inst.groups.items())
    floor = 0.0
    for t in inst.grid:
        missing = demand - _servers_served_weight(
            model, uppers[t], t, egress[t], {p: ingress[p][t] for p in ingress})
        for kind in ("sms", "email", "dns"):
            if kind in inst.weights:
                most = sum(var.upBound for (si, u), var in model.share.items()
                           if u == t and inst.service_candidates[si].kind == kind)
                missing += inst.weights[kind] * (1 - min(1.0, most))
        if "object_storage" in inst.weights:
            total_gb = storage.stored_tb * 1000
            vendors = sorted({v for v, _ in model.store})
            most_gb = min(total_gb, egress[t], sum(ingest[v][t] for v in vendors))
            missing += inst.weights["object_storage"] * (
                1 - most_gb / total_gb if total_gb > 0 else 1)
        floor += inst.period_hours[t] * max(0.0, missing)
    return floor
