"""Formulate: the time-indexed MILP, built from an Instance. No I/O, no solving.

Indices: candidates c = (group g, provider p, offering o); hours t = 1..H (hour 0 is the
decision, when nothing new serves). Variables, all created only where their curve is > 0:

  r[c,t]   integer  servers of g on o at p serving by hour t (from b_g hours after p's
                    first server: the group's bootstrap there)
  C[g,p,t] >= 0     GB of g's data copied to p by hour t (cumulative)
  S[v,t]   >= 0     GB of object storage copied to vendor v by hour t (cumulative)
  a[s,t]   in [0,1] share of a service demand carried by service candidate s by hour t
  u[s]     binary   service candidate s is used (only where it has fixed fees)
  y, w, z  binary   providers used and groups placed, when the policy counts them or
                    the team's work is planned (planner/formulation/providers.py)
  x, B              onboarding starts and bootstrap work (planner/formulation/labour.py)

Each constraint family below is one function whose docstring states it. Its rows carry
its name, and the verifier's rule for it is check_<name> (planner/verify/); rows that only
define variables carry the name of the function making them (copy_variables,
service_variables).
"""

from __future__ import annotations

import contextlib
import gc

import numpy as np
import pulp

from planner.domain.data import live_hours
from planner.formulation.instance import Candidate, Instance
from planner.formulation.labour import (
    bootstrap,
    provider_start,
    start_variables,
    team_hours,
    vendor_start,
)
from planner.formulation.model import (
    Expr,
    Model,
    add_constraint,
    linear,
    period_starts,
)
from planner.formulation.objectives import budget, costs, unserved
from planner.formulation.problem import INF, Problem
from planner.formulation.providers import min_footprint, provider_count, provider_variables
from planner.formulation.reach import (
    counted_variables,
    dns_reach,
    reach_variables,
    shards,
    users_reach,
)
from planner.formulation.server_rows import add_rows, capped_sums, last_copy, server_rows


def _server_caps(inst: Instance, c: Candidate, hours=None) -> list[int]:
    """min(count_g, cap_p(t), cap_o(t), q_o(t)) at each grid point (or each of `hours`):
    the most servers of c that can exist by t, q_o(t) the servers of o alone the
    provider's unit quotas allow."""
    hours = inst.grid if hours is None else hours
    caps = [inst.provider_curves[c.provider].values[t] for t in hours]
    for limit in (inst.offering_curves.get((c.provider, c.offering)),
                  inst.quota_caps.get((c.provider, c.offering))):
        if limit is not None:
            values = getattr(limit, "values", limit)
            caps = [min(cap, values[t]) for cap, t in zip(caps, hours)]
    return [int(min(inst.groups[c.group].count, cap)) for cap in caps]


def landed_at_most(inst: Instance, g: str, p: str) -> list[float]:
    """GB of g that can be at p by each hour 0..H: L(t) = min(d_g U(t), L(t-1) +
    ingress_p(t)), L(0) = 0, with U(t) the most hosts of g p can have by t (over its
    offerings, at most count_g) and d_g the GB per server: data lands on hosts, and
    after them only as fast as the link."""
    group = inst.groups[g]
    hosts = hosts_at_most(inst, g, p)
    per_server, ingress = group.data_gb / group.count, inst.ingress[p].values
    landed = [0.0]
    for t in range(1, inst.horizon_hours + 1):
        landed.append(min(per_server * hosts[t], landed[-1] + ingress[t], group.data_gb))
    return landed


def hosts_at_most(inst: Instance, g: str, p: str) -> list[int]:
    """The most servers of g that p can have by each hour 0..H, over its offerings."""
    hours = range(inst.horizon_hours + 1)
    hosts = [0] * len(hours)
    for c in inst.candidates:
        if (c.group, c.provider) == (g, p):
            hosts = [a + b for a, b in zip(hosts, _server_caps(inst, c, hours))]
    return [min(n, inst.groups[g].count) for n in hosts]


def _server_variables(model: Model) -> None:
    """r[c,t] in {0..caps_c(t)} (`_server_caps`) from c's group being ready at its
    provider; absent where that bound is 0. Where c's group has data that can be copied
    to c's provider, h[c,t] in
    {0..caps_c(t)} too, from c's provider's first server: hosts exist before they serve
    (their data is copied onto them)."""
    inst = model.instance
    names, uppers, keys = [], [], []
    host_names, host_uppers, host_keys = [], [], []
    copied = {(c.group, c.provider) for c in inst.candidates  # copies can reach p at all
              if inst.groups[c.group].data_gb > 0
              and _copy_window(inst, inst.ingress[c.provider], _seeded(inst, c.group))}
    for ci, c in enumerate(inst.candidates):
        ready = inst.first_hour(c.provider) + inst.wait_hours(c)  # its bootstrap (and rebuild)
        has_data = (c.group, c.provider) in copied
        for t, ub in zip(inst.grid, _server_caps(inst, c)):
            if ub >= 1 and t >= ready:
                names.append(f"r_{ci}_{t}")
                uppers.append(ub)
                keys.append((ci, t))
            if ub >= 1 and has_data:
                host_names.append(f"h_{ci}_{t}")
                host_uppers.append(ub)
                host_keys.append((ci, t))
    variables = model.lp.add_integer_variables(names, uppers)
    model.r.update(zip(keys, variables))
    last = inst.grid[-1]
    # a host whose candidate never serves is never made
    kept = [i for i, (ci, _) in enumerate(host_keys) if (ci, last) in model.r]
    hosts = model.lp.add_integer_variables([host_names[i] for i in kept],
                                           [host_uppers[i] for i in kept])
    model.hosts.update(zip((host_keys[i] for i in kept), hosts))


def servers_stay_up(model: Model) -> None:
    """A server serving stays serving: r[c,t] >= r[c,t'] for t' the period before t."""
    # r is made candidate by candidate, hours ascending: the variable before (c, t) in r,
    # when it is (c, t'), is the one this row needs, with no look-up
    candidate, period, _, hashes = model.server_arrays()
    later = np.flatnonzero((candidate[1:] == candidate[:-1]) & (period[1:] == period[:-1] + 1))
    pairs = np.column_stack((hashes[later + 1], hashes[later])).ravel()
    count = len(later)
    model.lp.rows.add_block(pairs, np.tile([1.0, -1.0], count), np.full(count, 2), 0.0, INF,
                            "servers_stay_up")


def group_demand(model: Model) -> None:
    """No more servers than the group has: sum_c in g r[c,t] <= count_g."""
    inst = model.instance
    capped_sums(model, lambda c: c.group, lambda g, t: inst.groups[g].count, "group_demand")


def provider_capacity(model: Model) -> None:
    """A provider's curve caps all groups together: sum_c at p r[c,t] <= cap_p(t)
   """
    inst = model.instance
    capped_sums(model, lambda c: c.provider, lambda p, t: inst.provider_curves[p].values[t],
                "provider_capacity")


def offering_capacity(model: Model) -> None:
    """Dedicated models have delivery times and stock: sum_c on o r[c,t] <= cap_o(t)
   """
    curves = model.instance.offering_curves
    capped_sums(model, lambda c: (c.provider, c.offering),
                lambda key, t: curves[key].values[t] if key in curves else INF, "offering_capacity")


def provider_quota(model: Model) -> None:
    """A provider's limits in vCPU, GB of RAM, GPUs or public IPv4 cap all its servers
    together, in the unit enforced: sum_{c at p} u_q(o_c) r[c,t] <= Q_q(t) for each unit
    quota q of p, where u_q(o) is what one server of offering o takes of q (0 outside
    q's family); only where the bounds of r could exceed Q_q(t)."""
    inst = model.instance
    at: dict[tuple[str, int], list[tuple[int, pulp.LpVariable]]] = {}
    for (ci, t), var in model.r.items():
        at.setdefault((inst.candidates[ci].provider, t), []).append((ci, var))
    for (p, name), curve in sorted(inst.quota_curves.items()):
        units = inst.quota_units[(p, name)]
        for t in period_starts(inst):
            pairs = [(var, units[inst.candidates[ci].offering]) for ci, var in at.get((p, t), ())
                     if inst.candidates[ci].offering in units]
            if sum(var.upBound * u for var, u in pairs) > curve.values[t] + 1e-9:
                add_constraint(model, linear(pairs) <= curve.values[t], "provider_quota")


def _copy_window(inst: Instance, ingress, seeded: bool = False) -> list[int]:
    """Grid points where data can arrive: the target's link is up and, unless the data is
    seeded from new servers of another group (data_from), the source can send."""
    return [t for t in period_starts(inst) if ingress.values[t] > 0
            and (seeded or inst.egress.values[t] > 0)]


def _copy_variables(model: Model) -> None:
    """C[g,p,t] cumulative GB, for hours when both the source and the target can move data;
    0 <= C <= landed_at_most(g, p)(t) <= data_gb_g and C[g,p,t] >= C[g,p,t-1] (copies
    are not undone)."""
    inst = model.instance
    pairs = sorted({(c.group, c.provider) for c in inst.candidates
                    if inst.groups[c.group].data_gb > 0})
    for g, p in pairs:
        previous = None
        landed = landed_at_most(inst, g, p)
        for t in _copy_window(inst, inst.ingress[p], _seeded(inst, g)):
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
        for t in _copy_window(inst, inst.storage_ingest[v]):
            var = model.lp.add_variable(f"S_{len(model.store)}", 0, total_gb)
            model.store[(v, t)] = var
            if previous is not None:
                add_constraint(model, var >= previous, "copy_variables")
            previous = var


def _seeded(inst: Instance, g: str) -> bool:
    return inst.groups[g].data_from is not None


def _replication(inst: Instance, g: str, p: str, before: int, t: int, model: Model):
    """(C[g,p,t], GB per GB copied) of the replication traffic in (before, t]: writes to
    the part of g's data already at p follow it, w_g / D_g per GB an hour."""
    hours = live_hours(inst.inventory, inst.groups[g], before, t)
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
    """A server serves on a host that exists, hosts stay, and every host made is one of
    the plan's servers: r[c,t] <= h[c,t], h[c,t'] <= h[c,t] for t' the period before t,
    and h[c,H] <= r[c,H] (so every h[c,t] <= r[c,H])."""
    inst = model.instance
    last = inst.grid[-1]
    before = dict(zip(inst.grid[1:], inst.grid))
    for (ci, t), host in model.hosts.items():
        if (ci, t) in model.r:
            add_constraint(model, linear([(model.r[(ci, t)], 1.0), (host, -1.0)]) <= 0,
                           "hosts_before_service")
        earlier = model.hosts.get((ci, before.get(t, -1)))
        if earlier is not None:
            add_constraint(model, linear([(earlier, 1.0), (host, -1.0)]) <= 0,
                           "hosts_before_service")
        if t == last:
            add_constraint(model, linear([(host, 1.0), (model.r[(ci, last)], -1.0)]) <= 0,
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
    for p, t in sorted(hosted):
        terms = sorted(at[(p, t)], key=lambda pair: pair[0])
        limits = [(inst.provider_curves[p].values[t], {ci: 1.0 for ci, _ in terms},
                   "provider_capacity")]
        for o in sorted({inst.candidates[ci].offering for ci, _ in terms}):
            curve = inst.offering_curves.get((p, o))
            if curve is not None:
                limits.append((curve.values[t], {ci: 1.0 for ci, _ in terms
                                                 if inst.candidates[ci].offering == o},
                               "offering_capacity"))
        for (q, name), curve in sorted(inst.quota_curves.items()):
            if q == p:
                units = inst.quota_units[(p, name)]
                limits.append((curve.values[t], {ci: units[inst.candidates[ci].offering]
                                                 for ci, _ in terms
                                                 if inst.candidates[ci].offering in units},
                               "provider_quota"))
        for cap, coefficient, family in limits:
            pairs = [(var, coefficient[ci]) for ci, var in terms if ci in coefficient]
            if sum(var.upBound * u for var, u in pairs) > cap + 1e-9:
                add_constraint(model, linear(pairs) <= cap, family)


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
        arrived = model.stored(v, t) - model.stored(v, before[t])
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
        flow += pulp.lpSum(model.stored(v, t) - model.stored(v, before[t]) for v in vendors)
        add_constraint(model, flow <= inst.between(inst.egress, t), "source_egress")


def object_storage_total(model: Model) -> None:
    """No more than what is stored is copied: sum_v S[v,H] <= stored_gb."""
    os_demand = model.instance.inventory.services.object_storage
    vendors = sorted({v for v, _ in model.store})
    if os_demand and len(vendors) > 1:
        H = model.instance.horizon_hours
        total_gb = pulp.lpSum(model.stored(v, H) for v in vendors)
        add_constraint(model, total_gb <= os_demand.stored_tb * 1000,
                       "object_storage_total")


def _service_variables(model: Model) -> None:
    """a[s,t] in [0, share_s(t)]; with fixed fees, or for DNS (a vendor set delegated
    together, formulation/reach.py), a[s,t] <= share_s(t) * u[s]."""
    inst = model.instance
    for si, sc in enumerate(inst.service_candidates):
        chosen = sc.fixed_fees or sc.kind == "dns"  # a DNS vendor is delegated or not
        if chosen:
            model.use[si] = model.lp.add_variable(f"u_{si}", 0, 1, pulp.LpInteger)
        for t in period_starts(inst):
            cap = sc.share.values[t]
            if cap > 0:
                var = model.lp.add_variable(f"a_{si}_{t}", 0, min(1.0, cap))
                model.share[(si, t)] = var
                if chosen:
                    add_constraint(model, var <= min(1.0, cap) * model.use[si], "service_variables")
    os_demand = inst.inventory.services.object_storage
    for v in sorted({v for v, _ in model.store}):
        offering = inst.vendors[v].offerings[0]
        fees = (offering.price_per_month, offering.setup_fee)
        if any(f is not None and f.value > 0 for f in fees):
            model.store_use[v] = use = model.lp.add_variable(f"su_{v}", 0, 1, pulp.LpInteger)
            for t in (t for w, t in model.store if w == v):
                add_constraint(model, model.store[(v, t)] <= os_demand.stored_tb * 1000 * use,
                               "service_variables")


def service_demand(model: Model) -> None:
    """A demand is carried at most once: sum_s of kind k a[s,t] <= 1 (not DNS: every vendor
    of the delegation answers for the whole zone, reach.dns_reach)."""
    inst = model.instance
    kinds = sorted({sc.kind for sc in inst.service_candidates} - {"dns"})
    for kind in kinds:
        for t in period_starts(inst):
            terms = [model.share[(si, t)] for si, sc in enumerate(inst.service_candidates)
                     if sc.kind == kind and (si, t) in model.share]
            if sum(v.upBound for v in terms) > 1:
                add_constraint(model, pulp.lpSum(terms) <= 1, "service_demand")


def service_stays_up(model: Model) -> None:
    """Service coverage never drops: sum_s of kind k a[s,t] >= sum_s a[s,t'] for t' the
    period before t (vendors may hand over to one another, coverage may not fall). DNS is
    not handed over: a[s,t] >= a[s,t'] for each DNS candidate, since a delegation moved
    away again would wait out the TTL again (each vendor's curve assumes one move); without
    this row the 2021 plan, counting hours from the cut-off, moved it hour by hour between
    four free vendors."""
    inst = model.instance
    previous = dict(zip(inst.grid[1:], inst.grid))
    for kind in sorted({sc.kind for sc in inst.service_candidates}):
        members = [si for si, sc in enumerate(inst.service_candidates) if sc.kind == kind]
        for t, before in previous.items():
            now = [model.share[(si, t)] for si in members if (si, t) in model.share]
            then = [model.share[(si, before)] for si in members if (si, before) in model.share]
            if then:
                add_constraint(model, pulp.lpSum(now) >= pulp.lpSum(then), "service_stays_up")
    for si, sc in enumerate(inst.service_candidates):
        if sc.kind != "dns":
            continue
        for t, before in previous.items():
            if (si, before) in model.share and (si, t) in model.share:
                add_constraint(model, model.share[(si, t)] >= model.share[(si, before)],
                               "service_stays_up")


def self_hosted(model: Model) -> None:
    """A self-hosted vendor serves as far as the group running it does (its servers, their
    quota, their host's refusal risk): count_g a[s,t] <= served_g(t) for s self-hosted and
    g the group whose runs_service is s's kind."""
    inst = model.instance
    runner = {g.runs_service: g.name for g in inst.inventory.groups if g.runs_service}
    for (si, t), a in model.share.items():
        sc = inst.service_candidates[si]
        if not inst.vendors[sc.vendor].self_hosted or sc.kind not in runner:
            continue
        g = runner[sc.kind]
        pairs = [(a, float(inst.groups[g].count))] + [(v, -1.0) for v in model.serving(g, t)]
        add_constraint(model, linear(pairs) <= 0, "self_hosted")


def dependency(model: Model) -> None:
    """A group serves at most the share its dependencies serve:
    count_h * served_g(t) <= count_g * served_h(t) for each h in depends_on(g)."""
    inst = model.instance
    periods = len(period_starts(inst))
    keys, row = server_rows(model, lambda c: c.group)
    position = {g: i * periods for i, g in enumerate(keys)}  # a group with no candidate
    codes, coefficients = [], []                               # serves nothing: code -1
    for g, group in inst.groups.items():  # g != h: no variable in both sums
        for h in group.depends_on:
            for t in range(periods):
                codes.append([position[g] + t if g in position else -1,
                              position[h] + t if h in position else -1])
                coefficients.append([float(inst.groups[h].count), -float(group.count)])
    if codes:
        add_rows(model, row, np.array(codes, dtype=np.int64), np.array(coefficients), -INF,
                 0.0, "dependency")


def _placed(model: Model, g: str) -> dict[str, Expr]:
    last = model.instance.grid[-1]
    out: dict[str, list] = {}
    for ci in model.by_group.get(g, ()):
        if (ci, last) in model.r:
            out.setdefault(model.instance.candidates[ci].provider, []).append(model.r[(ci, last)])
    return {p: pulp.lpSum(v) for p, v in sorted(out.items())}


def policy_share(model: Model) -> None:
    """Once placed (hour H), with x_p = servers of g at p and X = sum_p x_p:
    x_p <= max_share * X; and to survive losing any k providers, the k largest x_p stay
    <= (1 - min_surviving_share) * X, written k*lambda + sum_p mu_p <= (1 - s) * X with
    mu_p >= x_p - lambda, mu_p >= 0."""
    inst = model.instance
    policy = inst.inventory.policy
    k = policy.survive_provider_losses
    for gi, (g, group) in enumerate(inst.groups.items()):
        if not group.spread:
            continue
        placed = _placed(model, g)
        total = pulp.lpSum(placed.values())
        if policy.max_share_per_provider < 1:
            for pi, x in enumerate(placed.values()):
                add_constraint(model, x <= policy.max_share_per_provider * total, "policy_share")
        if k > 0:
            lam = model.lp.add_variable(f"lambda_{gi}", 0)
            mus = [model.lp.add_variable(f"mu_{gi}_{pi}", 0) for pi in range(len(placed))]
            for pi, (mu, x) in enumerate(zip(mus, placed.values())):
                add_constraint(model, mu >= x - lam, "policy_share")
            kept = 1 - policy.min_surviving_share
            add_constraint(model, k * lam + pulp.lpSum(mus) <= kept * total,
                           "policy_share")


# In this order: the rows' order is the model HiGHS is given, and so the plan it returns.
FAMILIES = (servers_stay_up, group_demand, provider_capacity, offering_capacity, provider_quota,
            data_before_service, seeded_from, hosts_hold_data, hosts_before_service, hosts_capacity,
            target_ingress, object_storage_ingest, source_egress,
            object_storage_total, service_demand, service_stays_up, dns_reach, users_reach,
            self_hosted,
            dependency, shards,
            policy_share,
            provider_count, min_footprint, provider_start, vendor_start, bootstrap, team_hours,
            costs,
            budget, unserved)


WORK = (provider_start, vendor_start, bootstrap, team_hours)


def formulate(instance: Instance, work: bool = False) -> Model:
    """Build the model: variables, then each constraint family, then both objectives. With
    `work`, the team's work too (planner/formulation/labour.py); without it, the model is
    a relaxation of that one (the solver's first try: solver/work.py)."""
    with _cycle_collector_paused():
        model = Model(lp=Problem("exit_plan", pulp.LpMinimize), instance=instance, work=work)
        _server_variables(model)
        _copy_variables(model)
        _service_variables(model)
        reach_variables(model)
        counted_variables(model)
        provider_variables(model)
        if work:
            start_variables(model)
        for family in FAMILIES:
            if work or family not in WORK:
                family(model)
        model.drop_server_arrays()  # 8 bytes x 4 per server variable, of no use from here
    return model


@contextlib.contextmanager
def _cycle_collector_paused():
    """The model is millions of objects made at once and none of them in a cycle; Python's
    cycle collector walks them again and again as they are made (10,000 synthetic servers
    in 500 groups: formulate 28 s, 22 s without it). Reference counting still frees what
    is dropped; the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


__all__ = ["Candidate", "Model", "formulate"]
