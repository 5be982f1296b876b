"""The data's rows: what is copied where and when, onto which hosts, through which links,
and the replication that keeps live data current (planner/formulation/families.py runs
them in its order; each states its rule as there).

  h[c,t]   integer  servers of c made by hour t, where c's group has data (families'
                    _server_variables makes them with r)
  C[g,p,t] >= 0     GB of g's data copied to p by hour t (cumulative)
  S[v,t]   >= 0     GB of object storage copied to vendor v by hour t (cumulative)
"""

from __future__ import annotations

import numpy as np
import pulp

from planner.domain.data import live_hours
from planner.formulation.instance import Candidate, Instance
from planner.formulation.model import Model, add_constraint, linear, period_starts
from planner.formulation.problem import INF
from planner.formulation.server_rows import add_rows, last_copy, server_rows


def server_caps(inst: Instance, c: Candidate, hours=None, hosts=None) -> list[int]:
    """min(count_g, k_c host_caps(c)(t)) at each grid point (or each of `hours`): the most
    servers of c that can exist by t, k_c of them on each host (`hosts`: host_caps
    already made for these hours)."""
    count, per_host = inst.groups[c.group].count, c.per_host
    return [int(min(count, per_host * n))
            for n in (host_caps(inst, c, hours) if hosts is None else hosts)]


def host_caps(inst: Instance, c: Candidate, hours=None) -> list[int]:
    """min(ceil(count_g / k_c), cap_p(t), cap_o(t), q_o(t)) at each grid point (or each
    of `hours`): the most hosts of c that can exist by t, q_o(t) the hosts of o alone the
    provider's unit quotas allow."""
    hours = inst.grid if hours is None else hours
    caps = [inst.provider_curves[c.provider].values[t] for t in hours]
    for limit in (inst.offering_curves.get((c.provider, c.offering)),
                  inst.quota_caps.get((c.provider, c.offering))):
        if limit is not None:
            values = getattr(limit, "values", limit)
            caps = [min(cap, values[t]) for cap, t in zip(caps, hours)]
    most = -(-inst.groups[c.group].count // c.per_host)
    return [int(min(most, cap)) for cap in caps]


def landed_at_most(inst: Instance, g: str, p: str,
                   candidates: list[Candidate] | None = None) -> list[float]:
    """GB of g that can be at p by each hour 0..H: L(t) = min(d_g U(t), L(t-1) +
    ingress_p(t)), L(0) = 0, with U(t) the most hosts of g p can have by t (over its
    offerings, at most count_g) and d_g the GB per server: data lands on hosts, and
    after them only as fast as the link. `candidates`: as for `hosts_at_most`."""
    group = inst.groups[g]
    hosts = hosts_at_most(inst, g, p, candidates)
    per_server, ingress = group.data_gb / group.count, inst.ingress[p].values
    landed = [0.0]
    for t in range(1, inst.horizon_hours + 1):
        landed.append(min(per_server * hosts[t], landed[-1] + ingress[t], group.data_gb))
    return landed


def hosts_at_most(inst: Instance, g: str, p: str,
                  candidates: list[Candidate] | None = None) -> list[int]:
    """The most servers of g that p can have by each hour 0..H, over its offerings.
    `candidates`: the instance's candidates of (g, p) in their order, when the caller has
    them grouped (`by_pair`): a pass over all candidates per pair is quadratic (10,000
    synthetic servers in 500 groups: 12 s in the sorting floor, as much in formulate)."""
    hours = range(inst.horizon_hours + 1)
    hosts = [0] * len(hours)
    for c in inst.candidates if candidates is None else candidates:
        if (c.group, c.provider) == (g, p):
            hosts = [a + b for a, b in zip(hosts, server_caps(inst, c, hours))]
    return [min(n, inst.groups[g].count) for n in hosts]


def by_pair(inst: Instance) -> dict[tuple[str, str], list[Candidate]]:
    """(group, provider) -> its candidates, in the instance's order."""
    out: dict[tuple[str, str], list[Candidate]] = {}
    for c in inst.candidates:
        out.setdefault((c.group, c.provider), []).append(c)
    return out


def copy_window(inst: Instance, ingress, seeded: bool = False) -> list[int]:
    """Grid points where data can arrive: the target's link is up and, unless the data is
    seeded from new servers of another group (data_from), the source can send."""
    return [t for t in period_starts(inst) if ingress.values[t] > 0
            and (seeded or inst.egress.values[t] > 0)]


def copy_variables(model: Model) -> None:
    """C[g,p,t] cumulative GB, for hours when both the source and the target can move data;
    0 <= C <= landed_at_most(g, p)(t) <= data_gb_g and C[g,p,t] >= C[g,p,t-1] (copies
    are not undone)."""
    inst = model.instance
    pairs = sorted({(c.group, c.provider) for c in inst.candidates
                    if inst.groups[c.group].data_gb > 0})
    grouped = by_pair(inst)
    for g, p in pairs:
        previous = None
        landed = landed_at_most(inst, g, p, grouped[(g, p)])
        for t in copy_window(inst, inst.ingress[p], _seeded(inst, g)):
            var = model.lp.add_variable(f"C_{len(model.copy)}", 0, landed[t])
            model.copy[(g, p, t)] = var
            if previous is not None:
                add_constraint(model, var >= previous, "copy_variables")
            previous = var
    for v in inst.storage_vendors:
        previous = None
        total_gb = inst.inventory.services.object_storage.stored_tb * 1000 \
            if inst.inventory.services.object_storage else 0
        if total_gb <= 0:
            continue
        for t in copy_window(inst, inst.storage_ingest[v]):
            var = model.lp.add_variable(f"S_{len(model.store)}", 0, total_gb)
            model.store[(v, t)] = var
            if previous is not None:
                add_constraint(model, var >= previous, "copy_variables")
            previous = var


def _seeded(inst: Instance, g: str) -> bool:
    return inst.groups[g].data_from is not None


def _replication(inst: Instance, g: str, p: str, before: int, t: int, model: Model):
    """(C[g,p,t], GB per GB copied) of the replication traffic in (before, t]: writes to
    the part of g's data already at p follow it, w_g / D_g per GB an hour; none from the
    hour p refuses (what was there is gone; no period straddles that hour)."""
    refused = inst.refused_at(p)
    hours = live_hours(inst.inventory, inst.groups[g], before,
                       t if refused is None else min(t, refused - 1))
    if not hours:
        return None
    group = inst.groups[g]
    return model.copied(g, p, t), group.write_gb_per_hour / group.data_gb * hours


def seeded_from(model: Model) -> None:
    """A group seeded from another's new servers (data_from) copies no more than they
    hold: sum_p C[g,p,t] <= (D_g / D_h) sum_p C[h,p,t] for h = data_from(g)."""
    inst = model.instance
    targets: dict[str, set[str]] = {}
    for g, p, _ in model.copy:
        targets.setdefault(g, set()).add(p)
    for g, group in inst.groups.items():
        h = group.data_from
        if h is None or g not in targets:
            continue
        ratio = group.data_gb / inst.groups[h].data_gb
        for t in sorted({t for q, _, t in model.copy if q == g}):
            pairs = [(model.copied(g, p, t), 1.0) for p in sorted(targets[g])]
            pairs += [(model.copied(h, p, t), -ratio) for p in sorted(targets.get(h, ()))]
            add_constraint(model, linear(pairs) <= 0, "seeded_from")


def data_before_service(model: Model) -> None:
    """A server serves once its share of the group's data has arrived:
    (data_gb_g / count_g) * sum_o r[g,p,o,t] <= C[g,p,t] (the last copy variable at or
    before t; none yet: 0)."""
    inst = model.instance
    periods = len(period_starts(inst))
    keys, row = server_rows(model, lambda c: (c.group, c.provider))
    per_server = np.array([inst.groups[g].data_gb / inst.groups[g].count
                           if inst.groups[g].data_gb > 0 else 0.0 for g, _ in keys])
    present = np.bincount(row, minlength=len(keys) * periods)
    codes = np.flatnonzero((present > 0) & np.repeat(per_server > 0, periods))
    add_rows(model, row, codes[:, None], per_server[codes // periods][:, None], -INF, 0.0,
             "data_before_service", tails=last_copy(model, keys, codes), tail_coefficient=-1.0)


def hosts_hold_data(model: Model) -> None:
    """Data lands only on hosts that exist: C[g,p,t] <= d_g sum_o h[g,p,o,t] (none yet:
    nothing is copied to p), d_g = data_gb_g / count_g. A period (t', t] of L > 1 hours is
    copied evenly over its hours (results/assemble.py) while its hosts are those of t'
    until t, so also ((L-1) C[g,p,t] + C[g,p,t']) / L <= d_g sum_o h[g,p,o,t'] (hour t-1)."""
    inst = model.instance
    before = inst.previous_point
    hosts: dict[tuple[str, str, int], list[pulp.LpVariable]] = {}
    for (ci, t), var in model.hosts.items():
        c = inst.candidates[ci]
        hosts.setdefault((c.group, c.provider, t), []).append(var)
    for (g, p, t), copied in model.copy.items():
        per_server = inst.groups[g].data_gb / inst.groups[g].count
        pairs = [(var, -per_server) for var in hosts.get((g, p, t), ())]
        add_constraint(model, linear(pairs, terms={copied: 1.0}) <= 0, "hosts_hold_data")
        length = t - before[t]
        if length > 1:
            earlier = [(var, -per_server) for var in hosts.get((g, p, before[t]), ())]
            pairs = earlier + [(copied, (length - 1) / length),
                               (model.copied(g, p, before[t]), 1 / length)]
            add_constraint(model, linear(pairs) <= 0, "hosts_hold_data")


def hosts_before_service(model: Model) -> None:
    """A server serves on a host that exists, k_c of them at most on one (domain/packing.py),
    hosts stay, and every host made holds one of the plan's servers: r[c,t] <= k_c h[c,t],
    h[c,t'] <= h[c,t] for t' the period before t, and h[c,H] <= r[c,H] (so every
    h[c,t] <= r[c,H]). Where something refuses (domain/refusal.py): a refused provider's h
    is 0 from its hour (its curve is), and a group that may stop serving then
    (inst.stopping) may keep hosts idle at H, so its last row is not written."""
    inst = model.instance
    last = inst.grid[-1]
    before = dict(zip(inst.grid[1:], inst.grid))
    hashes: list[int] = []  # two-term rows x - y <= 0 in one block (a PuLP constraint per
    values: list[float] = []  # row: 11 s of 10,000 servers' formulate), in the order the
    for (ci, t), host in model.hosts.items():  # rows were written one by one
        if (ci, t) in model.r:
            hashes += (model.r[(ci, t)].hash, host.hash)
            values += (1.0, -float(inst.candidates[ci].per_host))
        earlier = model.hosts.get((ci, before.get(t, -1)))
        if earlier is not None:
            hashes += (earlier.hash, host.hash)
            values += (1.0, -1.0)
        if t == last and not inst.stops(inst.candidates[ci].group):
            hashes += (host.hash, model.r[(ci, last)].hash)
            values += (1.0, -1.0)
    count = len(hashes) // 2
    model.lp.rows.add_block(hashes, values, np.full(count, 2), -INF, 0.0,
                            "hosts_before_service")


def hosts_capacity(model: Model) -> None:
    """Hosts waiting for their data take the provider's servers, stock and quotas too:
    the rows of provider_capacity, offering_capacity and provider_quota with e[c,t] in
    place of r[c,t], e = h where c has hosts, else r; only at (p, t) where some h is. The
    rows carry the name of the limit they state (the verifier counts hosts in its rules)."""
    inst = model.instance
    with_hosts = {ci for ci, _ in model.hosts}
    at: dict[tuple[str, int], list[tuple[int, pulp.LpVariable]]] = {}
    for (ci, t), var in model.r.items():
        if ci not in with_hosts:
            at.setdefault((inst.candidates[ci].provider, t), []).append((ci, var))
    hosted = set()
    for (ci, t), var in model.hosts.items():
        at.setdefault((inst.candidates[ci].provider, t), []).append((ci, var))
        hosted.add((inst.candidates[ci].provider, t))
    quotas: dict[str, list] = {}  # p -> its (name, curve), in name order
    for (q, name), curve in sorted(inst.quota_curves.items()):
        quotas.setdefault(q, []).append((inst.quota_units[(q, name)], curve))
    rows = []

    def limit(cap: float, pairs, family: str) -> None:
        pairs = [(var, u) for var, u in pairs if u != 0]
        if sum(var.upBound * u for var, u in pairs) > cap + 1e-9:
            rows.append(([var.hash for var, _ in pairs], [u for _, u in pairs], cap, family))

    for p, t in sorted(hosted):
        terms = sorted(at[(p, t)], key=lambda pair: pair[0])
        offering = [inst.candidates[ci].offering for ci, _ in terms]
        limit(inst.provider_curves[p].values[t], [(var, 1.0) for _, var in terms],
              "provider_capacity")
        for o in sorted(set(offering)):
            curve = inst.offering_curves.get((p, o))
            if curve is not None:
                limit(curve.values[t], [(var, 1.0) for (_, var), of in zip(terms, offering)
                                        if of == o], "offering_capacity")
        for units, curve in quotas.get(p, ()):
            limit(curve.values[t], [(var, units[of]) for (_, var), of in zip(terms, offering)
                                    if of in units], "provider_quota")
    rows_block(model, rows)


def rows_block(model: Model, rows: list[tuple[list[int], list[float], float, str]]) -> None:
    """Rows sum_j values_j x_j <= upper, given as (hashes, values, upper, family), added as
    blocks of consecutive rows of one family (Rows.add_block), in their order."""
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and rows[end][3] == rows[start][3]:
            end += 1
        part = rows[start:end]
        model.lp.rows.add_block([h for hs, _, _, _ in part for h in hs],
                                [v for _, vs, _, _ in part for v in vs],
                                np.array([len(hs) for hs, _, _, _ in part]), -INF,
                                np.array([cap for _, _, cap, _ in part]), rows[start][3])
        start = end


def target_ingress(model: Model) -> None:
    """What arrives at a provider between grid points t' < t fits its link, the
    replication of live data included: sum_g (C[g,p,t] - C[g,p,t']) + sum_g (w_g / D_g)
    L_g(t', t) C[g,p,t] <= sum of ingress_p over hours (t', t], L_g the hours of them in
    which g is still written at the source (until the cut-off or its freeze)."""
    inst = model.instance
    before = inst.previous_point
    hours_at: dict[str, set[int]] = {}
    groups_at: dict[str, set[str]] = {}
    for g, p, t in model.copy:
        hours_at.setdefault(p, set()).add(t)
        groups_at.setdefault(p, set()).add(g)
    for p, hours in sorted(hours_at.items()):
        groups = sorted(groups_at[p])
        for t in sorted(hours):
            flow = pulp.lpSum(model.copied(g, p, t) - model.copied(g, p, before[t])
                              for g in groups)
            for g in groups:
                replication = _replication(inst, g, p, before[t], t, model)
                if replication is not None:
                    flow += replication[1] * replication[0]
            add_constraint(model, flow <= inst.between(inst.ingress[p], t), "target_ingress")


def object_storage_ingest(model: Model) -> None:
    """What arrives at an object-storage vendor between grid points t' < t fits its ingest:
    S[v,t] - S[v,t'] <= ingest_v over (t', t]."""
    inst = model.instance
    before = inst.previous_point
    for v, t in model.store:
        arrived = model.moved(v, t) - model.moved(v, before[t])
        add_constraint(model, arrived <= inst.between(inst.storage_ingest[v], t),
                       "object_storage_ingest")


def source_egress(model: Model) -> None:
    """Everything copied between grid points t' < t leaves the source through its egress,
    the replication of live data included, data seeded from new servers (data_from) not:
    sum_{g,p} (C[g,p,t] - C[g,p,t'] + (w_g / D_g) L_g(t', t) C[g,p,t])
    + sum_v (S[v,t] - S[v,t']) <= egress over (t', t]."""
    inst = model.instance
    before = inst.previous_point
    pairs = sorted({(g, p) for g, p, _ in model.copy if not _seeded(inst, g)})
    hours = sorted({t for g, _, t in model.copy if not _seeded(inst, g)}
                   | {t for _, t in model.store})
    vendors = sorted({v for v, _ in model.store})
    for t in hours:
        flow = pulp.lpSum(model.copied(g, p, t) - model.copied(g, p, before[t])
                          for g, p in pairs)
        for g, p in pairs:
            replication = _replication(inst, g, p, before[t], t, model)
            if replication is not None:
                flow += replication[1] * replication[0]
        flow += pulp.lpSum(model.moved(v, t) - model.moved(v, before[t]) for v in vendors)
        add_constraint(model, flow <= inst.between(inst.egress, t), "source_egress")


def object_storage_total(model: Model) -> None:
    """No more than what is stored is held: sum_v S[v,H] <= stored_gb; and where a vendor
    refuses at h (what it held is gone, Model.stored), at the grid point before h too
    (the sum held is largest there or at H)."""
    inst = model.instance
    os_demand = inst.inventory.services.object_storage
    vendors = sorted({v for v, _ in model.store})
    if os_demand and len(vendors) > 1:
        H = inst.horizon_hours
        before = {inst.previous_point[h] for v in vendors if (h := inst.refused_at(v))
                  and h in inst.previous_point}
        for t in [*sorted(before), H]:
            total_gb = pulp.lpSum(model.stored(v, t) for v in vendors)
            add_constraint(model, total_gb <= os_demand.stored_tb * 1000,
                           "object_storage_total")
