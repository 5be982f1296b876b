"""Formulate: the time-indexed MILP, built from an Instance. No I/O, no solving.

Indices: candidates c = (group g, provider p, offering o); hours t = 1..H (hour 0 is the
decision, when nothing new serves). Variables, all created only where their curve is > 0:

  r[c,t]   integer  servers of g on o at p serving by hour t (from b_g hours after p's
                    first server: the group's bootstrap there)
  h, C, S           hosts made, data copied, object storage copied: the data's rows
                    (planner/formulation/data_rows.py)
  q, s, R           what sharded and user-facing groups count (formulation/reach.py)
  a[s,t]   in [0,1] share of a service demand carried by service candidate s by hour t
  u[s]     binary   service candidate s is used (where it has fixed fees, and DNS)
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

from planner.formulation.data_rows import (
    copy_variables,
    copy_window,
    data_before_service,
    host_caps,
    hosts_before_service,
    hosts_capacity,
    hosts_hold_data,
    object_storage_ingest,
    object_storage_total,
    seeded_from,
    server_caps,
    source_egress,
    target_ingress,
)
from planner.formulation.follow import pin
from planner.formulation.instance import Candidate, Instance
from planner.formulation.labour import (
    bootstrap,
    provider_start,
    start_variables,
    team_hours,
    vendor_start,
)
from planner.formulation.latency import latency
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
from planner.formulation.risk import refusal_cvar
from planner.formulation.server_rows import add_rows, capped_sums, server_rows


def _server_variables(model: Model) -> None:
    """r[c,t] in {0..caps_c(t)} (`server_caps`) from c's group being ready at its
    provider; absent where that bound is 0. Where c's group has data that can be copied
    to c's provider, h[c,t] in {0..host_caps_c(t)} too, from c's provider's first server:
    hosts exist before they serve (their data is copied onto them). Where c packs k_c > 1
    servers on a host (domain/packing.py), h[c,t] in {0..host_caps_c(t)} where r is: the
    hosts, which the provider counts, prices and makes."""
    inst = model.instance
    names, uppers, keys = [], [], []
    host_names, host_uppers, host_keys = [], [], []
    copied = {(c.group, c.provider) for c in inst.candidates  # copies can reach p at all
              if inst.groups[c.group].data_gb > 0
              and copy_window(inst, inst.ingress[c.provider],
                              inst.groups[c.group].data_from is not None)}
    for ci, c in enumerate(inst.candidates):
        ready = inst.first_hour(c.provider) + inst.wait_hours(c)  # its bootstrap (and rebuild)
        has_data = (c.group, c.provider) in copied
        hosts_caps = host_caps(inst, c)
        for t, ub, hosts_ub in zip(inst.grid, server_caps(inst, c, hosts=hosts_caps),
                                   hosts_caps):
            if ub >= 1 and t >= ready:
                names.append(f"r_{ci}_{t}")
                uppers.append(ub)
                keys.append((ci, t))
            if hosts_ub >= 1 and (has_data or (c.per_host > 1 and t >= ready)):
                host_names.append(f"h_{ci}_{t}")
                host_uppers.append(hosts_ub)
                host_keys.append((ci, t))
    variables = model.lp.add_integer_variables(names, uppers)
    model.r.update(zip(keys, variables))
    # a host whose candidate never serves is never made (r never falls, so a candidate
    # serves at the last grid point if ever, but where its provider refuses before it)
    serving = {ci for ci, _ in keys}
    kept = [i for i, (ci, _) in enumerate(host_keys) if ci in serving]
    hosts = model.lp.add_integer_variables([host_names[i] for i in kept],
                                           [host_uppers[i] for i in kept])
    model.hosts.update(zip((host_keys[i] for i in kept), hosts))


def servers_stay_up(model: Model) -> None:
    """A server serving stays serving: r[c,t] >= r[c,t'] for t' the period before t, but
    where a refusal takes it (domain/refusal.py): at a provider that refuses at h, r[c,t]
    is 0 from h (its curve is), so there is no row at h; and a group that depends on what
    a followed plan ran there before h (inst.stopping, refusal.stopping) may stop serving
    what it can no longer reach: no row at t = h for its candidates."""
    # r is made candidate by candidate, hours ascending: the variable before (c, t) in r,
    # when it is (c, t'), is the one this row needs, with no look-up
    candidate, period, _, hashes = model.server_arrays()
    later = np.flatnonzero((candidate[1:] == candidate[:-1]) & (period[1:] == period[:-1] + 1))
    inst = model.instance
    for h, groups in inst.stopping.items():
        stops = np.array([c.group in groups for c in inst.candidates], dtype=bool)
        at = period[later + 1] == inst.grid.index(h)
        later = later[~(stops[candidate[later + 1]] & at)]
    pairs = np.column_stack((hashes[later + 1], hashes[later])).ravel()
    count = len(later)
    model.lp.rows.add_block(pairs, np.tile([1.0, -1.0], count), np.full(count, 2), 0.0, INF,
                            "servers_stay_up")


def group_demand(model: Model) -> None:
    """No more servers than the group has, nor than the spread policy lets any placement
    hold (domain/spread.py): sum_c in g r[c,t] <= min(count_g, most_g). The second is
    implied by the integer rules (policy_share, min_footprint, at H; r never falls), not by
    their LP relaxation, which places a fraction of a footprint: written, it keeps the
    relaxation from serving what no plan can (a 2-server group, share 0.6, 2 per provider)."""
    inst = model.instance
    most = {g: limit.most for g, limit in inst.spread_limits().items()}
    capped_sums(model, lambda c: c.group, lambda g, t: most.get(g, inst.groups[g].count),
                "group_demand")


def provider_capacity(model: Model) -> None:
    """A provider's curve caps all groups together: sum_c at p r[c,t] <= cap_p(t), over
    the candidates with a host per server (hosts_capacity writes the rows that count
    packed candidates' hosts h)."""
    inst = model.instance
    capped_sums(model, lambda c: c.provider if c.per_host == 1 else None,
                lambda p, t: INF if p is None else inst.provider_curves[p].values[t],
                "provider_capacity")


def offering_capacity(model: Model) -> None:
    """Dedicated models have delivery times and stock: sum_c on o r[c,t] <= cap_o(t),
    over the candidates with a host per server (packed ones: hosts_capacity)."""
    curves = model.instance.offering_curves
    capped_sums(model, lambda c: (c.provider, c.offering) if c.per_host == 1 else None,
                lambda key, t: curves[key].values[t] if key in curves else INF,
                "offering_capacity")


def provider_quota(model: Model) -> None:
    """A provider's limits in vCPU, GB of RAM, GPUs or public IPv4 cap all its servers
    together, in the unit enforced: sum_{c at p} u_q(o_c) r[c,t] <= Q_q(t) for each unit
    quota q of p, where u_q(o) is what one server of offering o takes of q (0 outside
    q's family); only where the bounds of r could exceed Q_q(t)."""
    inst = model.instance
    at: dict[tuple[str, int], list[tuple[int, pulp.LpVariable]]] = {}
    for (ci, t), var in model.r.items():
        if inst.candidates[ci].per_host == 1:  # hosts_capacity counts packed ones' hosts
            at.setdefault((inst.candidates[ci].provider, t), []).append((ci, var))
    for (p, name), curve in sorted(inst.quota_curves.items()):
        units = inst.quota_units[(p, name)]
        for t in period_starts(inst):
            pairs = [(var, units[inst.candidates[ci].offering]) for ci, var in at.get((p, t), ())
                     if inst.candidates[ci].offering in units]
            if sum(var.upBound * u for var, u in pairs) > curve.values[t] + 1e-9:
                add_constraint(model, linear(pairs) <= curve.values[t], "provider_quota")


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
    four free vendors. At an hour t something refuses (domain/refusal.py), what a vendor
    refusing then carried may go, and what needs what refuses: a self-hosted vendor's
    share (its group may stop) and, when a DNS vendor refuses, email (receivers see its
    DKIM records through the DNS, users_reach): those leave the sum at t' and have no DNS
    row at t."""
    inst = model.instance
    previous = dict(zip(inst.grid[1:], inst.grid))
    dns_gone = {inst.refused_at(sc.vendor) for sc in inst.service_candidates
                if sc.kind == "dns"}

    def goes(si: int, t: int) -> bool:
        sc = inst.service_candidates[si]
        return t in inst.refusal_hours and (inst.refused_at(sc.vendor) == t
                                            or inst.vendors[sc.vendor].self_hosted
                                            or (sc.kind == "email" and t in dns_gone))

    for kind in sorted({sc.kind for sc in inst.service_candidates}):
        members = [si for si, sc in enumerate(inst.service_candidates) if sc.kind == kind]
        for t, before in previous.items():
            now = [model.share[(si, t)] for si in members if (si, t) in model.share]
            then = [model.share[(si, before)] for si in members if (si, before) in model.share
                    and not goes(si, t)]
            if then:
                add_constraint(model, pulp.lpSum(now) >= pulp.lpSum(then), "service_stays_up")
    for si, sc in enumerate(inst.service_candidates):
        if sc.kind != "dns":
            continue
        for t, before in previous.items():
            if (si, before) in model.share and (si, t) in model.share and not goes(si, t):
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
        for h in group.needs:
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
    mu_p >= x_p - lambda, mu_p >= 0. Not for a group that could run at a provider that
    refuses within the hours planned (domain/refusal.unspread): the refusal is the loss the
    rule protects against, and may leave no room to spread it."""
    inst = model.instance
    policy = inst.inventory.policy
    k = policy.survive_provider_losses
    lost = inst.unspread()
    for gi, (g, group) in enumerate(inst.groups.items()):
        if not group.spread or g in lost:
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
            dependency, latency, shards,
            policy_share,
            provider_count, min_footprint, provider_start, vendor_start, bootstrap, team_hours,
            costs,
            budget, unserved, refusal_cvar)


WORK = (provider_start, vendor_start, bootstrap, team_hours)


def formulate(instance: Instance, work: bool = False) -> Model:
    """Build the model: variables, then each constraint family, then both objectives. With
    `work`, the team's work too (planner/formulation/labour.py); without it, the model is
    a relaxation of that one (the solver's first try: solver/work.py)."""
    with _cycle_collector_paused():
        model = Model(lp=Problem("exit_plan", pulp.LpMinimize), instance=instance, work=work)
        _server_variables(model)
        copy_variables(model)
        _service_variables(model)
        reach_variables(model)
        counted_variables(model)
        provider_variables(model)
        if work:
            start_variables(model)
        for family in FAMILIES:
            if work or family not in WORK:
                family(model)
        pin(model)  # a re-plan keeps to its base plan before a refusal (follow.py)
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
