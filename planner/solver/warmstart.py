"""The warm start: greedy plans (planner/baseline/) as values of the model's variables, the
best of them handed to the solver as its first incumbent, and kept as the plan when the
solver cannot improve on it in the time (from about 2,000 synthetic servers up)."""

from __future__ import annotations

import math
from itertools import accumulate

from planner.domain.spread import least_footprint
from planner.formulation.objectives import value_at
from planner.formulation.providers import COMPUTE, STORAGE


def greedy_hint(model, greedy) -> dict[str, float]:
    """The greedy plan's servers as values of the model's r variables (those it has), each
    group cut to what the greedy plan says is serving (dependencies included), then trimmed
    until the spread policy holds at the horizon (the cut can unbalance a group); and its
    data copies as values of the copy variables. By variable name."""
    return {var.name: x for var, x in greedy_point(model, greedy).items()}


def best_hint(model, greedy_plans) -> dict[str, float]:
    """Of the greedy plans' hints, the one with the fewest tier-weighted unserved hours in
    the model, then the cheapest, then the first: the solver's start, and the plan when the
    solver cannot improve on it in the time (from about 2,000 synthetic servers up)."""
    points = [greedy_point(model, greedy) for greedy in greedy_plans]
    best = min(points, key=lambda point: (value_at(model.unserved, point),
                                          value_at(model.cost, point)))
    return {var.name: x for var, x in best.items()}


def greedy_point(model, greedy) -> dict:
    """`greedy_hint` by variable."""
    inst = model.instance
    index = {(c.group, c.provider, c.offering): ci for ci, c in enumerate(inst.candidates)}
    rows: dict[str, list[tuple[int, list[float]]]] = {}
    made: dict[int, tuple[int, ...]] = {}  # candidate -> the greedy plan's hosts by hour
    for row in greedy.servers:
        ci = index.get((row.group, row.provider, row.offering))
        if ci is not None:
            made[ci] = row.hosts
            up = [min(row.up_by_hour[t], model.r[(ci, t)].upBound) if (ci, t) in model.r
                  else 0 for t in inst.grid]
            rows.setdefault(row.group, []).append((ci, up))
    counts = {}
    for g, group_rows in rows.items():
        serving = [greedy.serving[g][t] for t in inst.grid]
        for ci, taken in zip((ci for ci, _ in group_rows), allocate(group_rows, serving)):
            counts[ci] = taken
    _trim_to_policy(inst, counts)
    # a cut footprint can unbalance the spread; a cut dependency strands its dependents
    while _trim_to_footprint(inst, counts) | cut_to_dependencies(inst, counts):
        _trim_to_policy(inst, counts)
    servers = {model.r[(ci, t)]: float(x) for ci, row in counts.items()
               for t, x in zip(inst.grid, row) if (ci, t) in model.r}
    final: dict[tuple[str, str], float] = {}  # (group, provider) -> servers at the horizon
    for ci, row in counts.items():
        c = inst.candidates[ci]
        final[(c.group, c.provider)] = final.get((c.group, c.provider), 0.0) + row[-1]
    position = {t: k for k, t in enumerate(inst.grid)}
    hosts = {}
    for (ci, t), var in model.hosts.items():  # made by t, no fewer than serve, none unused
        row = counts.get(ci)
        if row is not None:
            at = position[t]
            hosts[var] = float(min(var.upBound, max(row[at], min(made[ci][t], row[-1]))))
        else:
            hosts[var] = 0.0
    # the DNS delegation as the greedy plan makes it, not left to the completing LP: its
    # fractions, rounded up, gave two vendors unequal shares (10,000 synthetic servers)
    delegated = {(row.vendor, row.offering) for row in greedy.services
                 if row.kind == "dns" and any(x > 0 for x in row.share_by_hour)}
    delegation = {u: 1.0 if (inst.service_candidates[si].vendor,
                             inst.service_candidates[si].offering) in delegated else 0.0
                  for si, u in model.use.items() if inst.service_candidates[si].kind == "dns"}
    up: dict[str, list[float]] = {}  # g -> its servers up by period
    for ci, row in counts.items():
        g = inst.candidates[ci].group
        up[g] = [a + b for a, b in zip(up[g], row)] if g in up else list(row)
    whole = {}  # s[g,t]: every shard serving (q, continuous, is left to the LP)
    for (g, t), s in model.whole.items():
        whole[s] = 1.0 if g in up and up[g][position[t]] >= inst.groups[g].count else 0.0
    binaries = _provider_binaries(model, greedy, final)
    return {**servers, **hosts, **whole, **delegation, **_greedy_copies(model, greedy, final),
            **binaries, **_openings(model, greedy, binaries)}


def _openings(model, greedy, binaries: dict) -> dict:
    """x[e,k] of formulation/labour.py (the model with the team's rows) for a greedy plan
    made with the team (planner/baseline/labour.py): a provider or vendor the hint uses
    opens at the choice the greedy plan opened it at (the latest before it, should the
    choices differ), or at its first when the greedy plan did not say; the others are 0.
    Left out for a vendor the hint leaves to the completing LP (no cap on its kind) and the
    greedy plan did not open: not hinted, its choices are 0 (planner/solver/start.py)."""
    used = {e: binaries.get(y) for (e, _), y in model.used.items()}
    out = {}
    for e, hours in model.opening.items():
        if len(hours) < 2 or (used.get(e) is None and e not in greedy.opened):
            continue  # one choice: x is the use binary itself
        opens = used.get(e) is None or used[e] > 0.5  # not hinted: the greedy plan opened it
        at = greedy.opened.get(e, hours[0])
        chosen = max((k for k, hour in enumerate(hours) if hour <= at), default=0)
        for k in range(len(hours)):
            out[model.start[(e, k)]] = 1.0 if opens and k == chosen else 0.0
    return out


def cut_to_dependencies(inst, counts: dict[int, list[float]]) -> bool:
    """Cut each group's servers to what its dependencies serve (the dependency rows:
    n_h served_g(t) <= n_g served_h(t)), from its last rows, then so that no row dips;
    again until nothing changes, for chains of dependencies. The greedy plan keeps the
    rule, but the trims above can take a dependency's servers (the spread policy on a
    database): with stacks in several metros (formulation/location.by_stack) that left
    48 dependency rows broken at 2,000 executable synthetic servers. True when anything
    was cut."""
    rows_of: dict[str, list[int]] = {}
    for ci in sorted(counts):
        rows_of.setdefault(inst.candidates[ci].group, []).append(ci)
    cut_any, changed = False, True
    while changed:
        changed = False
        for g, mine in rows_of.items():
            for h in inst.groups[g].needs:
                theirs = rows_of.get(h, [])
                most = [math.floor(inst.groups[g].count
                                   * sum(counts[ci][i] for ci in theirs)
                                   / inst.groups[h].count + 1e-9)
                        for i in range(len(counts[mine[0]]))]
                changed |= _cut_to(counts, mine, most)
        cut_any |= changed
    return cut_any


def _cut_to(counts: dict[int, list[float]], mine: list[int], most: list[float]) -> bool:
    """Take servers off `mine`'s rows, last rows first, until their sum is at most most[i]
    at each grid point i, then lower earlier points so that no row dips. True when
    anything was taken."""
    taken = False
    for i, cap in enumerate(most):
        excess = sum(counts[ci][i] for ci in mine) - cap
        for ci in reversed(mine):
            if excess <= 1e-9:
                break
            cut = min(excess, counts[ci][i])
            if cut > 0:
                counts[ci][i] -= cut
                excess -= cut
                taken = True
    for ci in mine:
        no_dips(counts[ci])
    return taken


def _trim_to_footprint(inst, counts: dict[int, list[float]]) -> bool:
    """Take a group off each provider where it has fewer servers at the horizon than the
    policy's least footprint (min_footprint). True when something was taken."""
    final: dict[tuple[str, str], float] = {}
    for ci, row in counts.items():
        c = inst.candidates[ci]
        final[(c.group, c.provider)] = final.get((c.group, c.provider), 0.0) + row[-1]
    small = {key for key, x in final.items()
             if 0 < x < least_footprint(inst.inventory.policy, inst.groups[key[0]].count)}
    for ci in counts:
        c = inst.candidates[ci]
        if (c.group, c.provider) in small:
            counts[ci] = [0.0] * len(counts[ci])
    return bool(small)


def _provider_binaries(model, greedy, final: dict[tuple[str, str], float]) -> dict:
    """y, w and z of planner/formulation/providers.py for the hinted plan: a compute
    provider or group footprint is used when it holds servers at the horizon. A service or
    storage vendor is used when the greedy plan gave it its kind (it gives each kind to one
    vendor), fixed so that the completing LP stays within a cap on that kind or on all;
    with no such cap it is left to the LP, which may carry more on other vendors (the start
    rounds it up where it is used)."""
    out = {}
    caps = model.instance.inventory.policy.max_providers.given()
    compute = {p for (_, p), x in final.items() if x > 0}
    vendors = {(row.vendor, row.kind) for row in greedy.services
               if any(x > 0 for x in row.share_by_hour)}
    vendors |= {(row.target, STORAGE) for row in greedy.copies
                if row.demand == "object_storage" and any(row.gb_by_hour)}
    open_ = set()
    for (p, kind), y in model.used.items():
        if kind == COMPUTE:
            out[y] = 1.0 if p in compute else 0.0
        elif kind in caps or "all" in caps:
            out[y] = 1.0 if (p, kind) in vendors else 0.0
        else:
            open_.add(p)
    for p, w in model.used_any.items():
        if p not in open_:
            out[w] = max(out[y] for (q, _), y in model.used.items() if q == p)
    for (g, p), z in model.footprint.items():
        out[z] = 1.0 if final.get((g, p), 0.0) > 0 else 0.0
    return out


def kept_providers(model, greedy_plans) -> set[str] | None:
    """The compute providers a start within the policy's caps may use: those carrying the
    most tier-weighted server-hours in the best greedy plan, as many as `max_providers`
    allows (compute, and all less the greedy plan's service vendors). None when no cap
    binds that plan."""
    inst = model.instance
    caps = inst.inventory.policy.max_providers.given()
    if not caps.keys() & {COMPUTE, "all"}:  # no cap on compute: the greedy plans stand
        return None
    points = [greedy_point(model, greedy) for greedy in greedy_plans]
    best = min(range(len(points)), key=lambda i: (value_at(model.unserved, points[i]),
                                                  value_at(model.cost, points[i])))
    hours: dict[str, float] = {}
    for (ci, t), var in model.r.items():
        x = points[best].get(var, 0.0)
        if x:
            c = inst.candidates[ci]
            hours[c.provider] = hours.get(c.provider, 0.0) + \
                x * inst.weights[c.group] * inst.period_weight[t]
    vendors = {row.vendor for row in greedy_plans[best].services} | \
        {row.target for row in greedy_plans[best].copies if row.demand == "object_storage"}
    room = min(caps.get(COMPUTE, len(hours)),
               caps.get("all", len(hours) + len(vendors)) - len(vendors - set(hours)))
    if len(hours) <= room:
        return None
    ranked = sorted(hours, key=lambda p: (-hours[p], p))
    return set(ranked[:max(room, 0)])


def _greedy_copies(model, greedy, final: dict[tuple[str, str], float]) -> dict:
    """The greedy plan's copies of group data as values of the copy variables: GB copied by
    each variable's hour (C[g,p,t]), within its bounds and no more than the hinted servers
    at p need at the horizon (`final`). With them fixed, completing the
    start is a small LP (at 500 groups, this copy schedule was most of it); object storage
    is left to the LP, which can store more with the egress the groups leave."""
    cumulative = {(row.demand, row.target): list(accumulate(row.gb_by_hour))
                  for row in greedy.copies}
    out = {}
    for (g, p, t), var in model.copy.items():
        if (g, p) in cumulative:
            group = model.instance.groups[g]
            # no more than the hinted servers need by the horizon: capping a feasible
            # schedule at a constant keeps it feasible and leaves egress to the storage
            needed_gb = group.data_gb / group.count * final.get((g, p), 0.0)
            out[var] = min(var.upBound, needed_gb, cumulative[(g, p)][t])
    return out


def allocate(rows: list[tuple[int, list[float]]], serving: list[float]) -> list[list[float]]:
    """Split a group's serving count over its rows, period by period, so that no row ever
    drops (servers stay up) and none exceeds what it has up: each period keeps the last
    one's split and hands the increase to rows in order; a fall (rare) is taken from the
    last rows and carried back so that no row dips."""
    taken = [[0.0] * len(serving) for _ in rows]
    previous = [0.0] * len(rows)
    for i, target in enumerate(serving):
        now = [min(x, up[i]) for x, (_, up) in zip(previous, rows)]
        extra = target - sum(now)
        for j, (_, up) in enumerate(rows):
            if extra <= 0:
                break
            add = min(extra, up[i] - now[j])
            now[j] += add
            extra -= add
        for j in range(len(rows) - 1, -1, -1):
            if extra >= 0:
                break
            cut = min(-extra, now[j])
            now[j] -= cut
            extra += cut
        for j in range(len(rows)):
            taken[j][i] = now[j]
        previous = now
    for row in taken:
        no_dips(row)
    return taken


def no_dips(row: list[float]) -> None:
    """Servers stay up: lower each point of `row` to the least of those after it."""
    for i in range(len(row) - 2, -1, -1):
        row[i] = min(row[i], row[i + 1])


def _trim_to_policy(inst, counts: dict[int, list[float]]) -> None:
    """Take servers off the largest holder of a spread group (at every hour, so none dips)
    until its final placement keeps the max share and the survive-k rule."""
    policy = inst.inventory.policy
    k, kept = policy.survive_provider_losses, 1 - policy.min_surviving_share
    for g, group in inst.groups.items():
        mine = sorted(ci for ci in counts if inst.candidates[ci].group == g)
        while group.spread and mine:
            final: dict[str, float] = {}
            for ci in mine:
                p = inst.candidates[ci].provider
                final[p] = final.get(p, 0) + counts[ci][-1]
            total, largest = sum(final.values()), sorted(final.values(), reverse=True)
            if total <= 0 or (largest[0] <= policy.max_share_per_provider * total + 1e-9
                              and sum(largest[:k]) <= kept * total + 1e-9):
                break
            top = min(final, key=lambda p: (-final[p], p))
            ci = max((ci for ci in mine if inst.candidates[ci].provider == top),
                     key=lambda ci: (counts[ci][-1], -ci))
            cap = counts[ci][-1] - 1
            counts[ci] = [min(x, cap) for x in counts[ci]]
