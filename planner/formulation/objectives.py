"""The two objectives and the budget rows: tier-weighted unserved hours (phase 1) and
cost (phase 2), the cost ceiling behind phase 1's tie-break and the rows by which phase 2 holds
phase 1's coverage. Pure functions on a Model; no solving."""

from __future__ import annotations

import math

import numpy as np
import pulp

from planner.domain import bill
from planner.domain.bill import priced_traffic
from planner.domain.curves import DAYS_PER_MONTH
from planner.formulation.instance import Instance
from planner.formulation.model import Model, add_constraint, linear, period_starts
from planner.formulation.providers import COMPUTE, overhead
from planner.formulation.reach import old_dns_until


def _price(inst: Instance, fact, currency: str) -> float:
    return inst.to_plan_currency(fact.value, currency) if fact is not None else 0.0


def costs(model: Model) -> None:
    """One-time: setup fees, source egress, service setup. Monthly: servers (hosts, where
    several share one: model.units) at hour H at their monthly price and their public IPv4
    addresses where billed apart, the support plans bought, users' traffic beyond what is
    included, services' fixed fees and per-unit prices at the share carried at H, and the
    policy's overhead per provider or vendor used (when it counts them)."""
    inst = model.instance
    H, last = inst.horizon_hours, inst.grid[-1]
    one_time, monthly = [], []
    for ci, c in enumerate(inst.candidates):
        if (ci, last) in model.r:
            o, cur = inst.offering(c.provider, c.offering), inst.providers[c.provider].currency
            one_time.append(_price(inst, o.setup_fee, cur) * model.units(ci, last))
            monthly.append(_monthly_each(inst, c) * model.units(ci, last))
    copied = [model.copied(g, p, H) for g, p in sorted({(g, p) for g, p, _ in model.copy})]
    copied += [model.moved(v, H) for v in sorted({v for v, _ in model.store})]
    one_time.append(source_egress_cost(model, pulp.lpSum(copied)))
    once, month = refusal_costs(model)
    one_time += once
    monthly += month
    services = inst.inventory.services
    for si, sc in enumerate(inst.service_candidates):
        o, cur = inst.service_offering(sc.vendor, sc.offering), inst.vendors[sc.vendor].currency
        if si in model.use:
            one_time.append(_price(inst, o.setup_fee, cur) * model.use[si])
            monthly.append(_price(inst, o.price_per_month, cur) * model.use[si])
        demand = getattr(services, sc.kind)
        volume = len(demand.zones) if sc.kind == "dns" else demand.messages_per_day * DAYS_PER_MONTH
        if (si, last) in model.share:
            monthly.append(_price(inst, o.price_per_unit, cur) * volume * model.share[(si, last)])
    for v in sorted({v for v, _ in model.store}):
        o, cur = inst.vendors[v].offerings[0], inst.vendors[v].currency
        if v in model.store_use:
            one_time.append(_price(inst, o.setup_fee, cur) * model.store_use[v])
            monthly.append(_price(inst, o.price_per_month, cur) * model.store_use[v])
        monthly.append(_price(inst, o.price_per_unit, cur) / 1000 * model.stored(v, H))
    monthly.append(overhead(model))
    monthly.append(target_egress(model))
    monthly.append(support(model))
    model.one_time, model.monthly = pulp.lpSum(one_time), pulp.lpSum(monthly)
    model.cost = model.one_time + inst.inventory.policy.run_rate_months * model.monthly


def refusal_costs(model: Model) -> tuple[list, list]:
    """What refusals add to the bill (domain/refusal.py), as (one-time, monthly) terms:
    the setup fees of the hosts made at a provider before it refuses, paid and then lost
    (setup_fee * its hosts made, h[c,t] or r[c,t], at its last period before the
    refusal); and the hosts a group that may stop keeps idle at the horizon
    (hosts_before_service lets h[c,H] exceed r[c,H] then), setup and a month of
    h[c,H] - r[c,H]. No term without a refusal."""
    inst = model.instance
    once, month = [], []
    if not inst.refusal_hours:
        return once, month
    last = inst.grid[-1]
    made: dict[int, pulp.LpVariable] = {}
    for (ci, t), var in [*model.r.items(), *model.hosts.items()]:
        if t < last and inst.refused_at(inst.candidates[ci].provider) is not None:
            made[ci] = model.hosts.get((ci, t), var) if (ci, t) in model.r else var
    for ci, var in sorted(made.items()):
        c = inst.candidates[ci]
        o, cur = inst.offering(c.provider, c.offering), inst.providers[c.provider].currency
        once.append(_price(inst, o.setup_fee, cur) * var)
    for (ci, t), host in model.hosts.items():
        c = inst.candidates[ci]
        if t == last and c.per_host == 1 and (ci, t) in model.r and inst.stops(c.group):
            o, cur = inst.offering(c.provider, c.offering), inst.providers[c.provider].currency
            idle = host - model.r[(ci, t)]
            once.append(_price(inst, o.setup_fee, cur) * idle)
            month.append(_monthly_each(inst, c) * idle)
    return once, month


def _monthly_each(inst: Instance, c) -> float:
    """A month of one server of candidate c: its price and its public IPv4 addresses
    where billed apart, in the plan's currency."""
    provider = inst.providers[c.provider]
    o = inst.offering(c.provider, c.offering)
    return _price(inst, o.price_per_month, provider.currency) + \
        inst.to_plan_currency(bill.ipv4_monthly(provider, o), provider.currency)


def _at_horizon(model: Model, keep):
    """(candidate, its provider, r[c,H], its hosts at H: model.units) for the candidates
    at providers `keep` accepts."""
    inst = model.instance
    last = inst.grid[-1]
    for (ci, t), var in model.r.items():
        c = inst.candidates[ci]
        provider = inst.providers[c.provider]
        if t == last and keep(provider):
            yield c, provider, var, model.units(ci, t)


def source_egress_cost(model: Model, moved) -> pulp.LpAffineExpression:
    """What the GB moved out of the source cost. Without a one-time budget, at the price
    of its first step (the most a GB costs: steps only fall in price); the plan's costs
    count the steps (domain/bill.egress_cost). Step by step, the fill order needs a binary per
    step (g[k] >= G_k b[k], g[k+1] <= G_{k+1} b[k]), and three of them took the 2021 case
    from 4.2 s to 6.3 s, for a volume the coverage the cost phase holds already fixes. With
    a one-time budget, the steps exactly: the first step's price would hold back copies
    the budget allows."""
    inst = model.instance
    source = inst.catalog.provider(inst.inventory.source.provider)
    steps = bill.egress_steps(source) if source else []
    if not steps:
        return pulp.LpAffineExpression()
    price = [inst.to_plan_currency(each, source.currency) for _, each in steps]
    if len(steps) == 1 or inst.inventory.policy.one_time_budget is None:
        return price[0] * moved
    most = sum(var.upBound or 0.0 for var in moved) + moved.constant
    sizes = [min(size, most) for size, _ in steps]
    g = [model.lp.add_variable(f"egress_step_{k}", 0, size) for k, size in enumerate(sizes)]
    add_constraint(model, linear([(x, 1.0) for x in g], terms={
        var: -coef for var, coef in moved.items()}) == moved.constant, "costs")
    for k in range(len(g) - 1):
        b = model.lp.add_variable(f"egress_full_{k}", 0, 1, pulp.LpInteger)
        add_constraint(model, g[k] >= sizes[k] * b, "costs")
        add_constraint(model, g[k + 1] <= sizes[k + 1] * b, "costs")
    return pulp.lpSum(p * x for p, x in zip(price, g))


def support(model: Model) -> pulp.LpAffineExpression:
    """The support plan of each compute provider used that states one (when the policy
    buys support), the greater of its minimum m_p and its share q_p of the month's spend
    at p (servers and addresses): S[p] >= m_p u[p], S[p] >= q_p sum_c price_c r[c,H],
    u[p] binary and r[c,H] <= ub_c u[p] for each c at p (p is used when it runs a server;
    one row per candidate: 3.7 s for the 2021 case, 4.2 s with one row per provider);
    u[p] is p's y (formulation/providers.py), made here when the policy does not count
    providers, so the greedy start sets it as it sets y."""
    inst = model.instance
    if not inst.inventory.policy.buy_support:
        return pulp.LpAffineExpression()
    spend: dict[str, list] = {}
    for c, _, _, hosts in _at_horizon(model, lambda p: p.support is not None):
        spend.setdefault(c.provider, []).append((hosts, _monthly_each(inst, c)))
    cost = []
    for i, (p, pairs) in enumerate(sorted(spend.items())):
        plan = inst.providers[p].support
        minimum = inst.to_plan_currency(plan.minimum_per_month.value, inst.providers[p].currency)
        share = plan.percent_of_spend.value / 100 if plan.percent_of_spend else 0.0
        used = model.used.get((p, COMPUTE))
        if used is None:  # p's y of formulation/providers.py, made here (the start sets it)
            used = model.used[(p, COMPUTE)] = model.lp.add_variable(
                f"y_{len(model.used)}", 0, 1, pulp.LpInteger)
            for var, _ in pairs:
                add_constraint(model, var <= var.upBound * used, "costs")
        most = max(minimum, share * sum(each * var.upBound for var, each in pairs))
        S = model.lp.add_variable(f"spx_{i}", 0, most)
        add_constraint(model, S >= minimum * used, "costs")
        if share:
            add_constraint(model, linear([(var, share * each) for var, each in pairs],
                                         terms={S: -1.0}) <= 0, "costs")
        cost.append(S)
    return pulp.lpSum(cost)


def target_egress(model: Model) -> pulp.LpAffineExpression:
    """Users' traffic beyond what a provider includes, at its egress price: for each p that
    prices traffic, E[p] >= sum_c (1000 T_g / n_g r[c,H] - I_p h[c,H]) - A_p and E[p] >= 0,
    with T_g the group's TB a month, I_p the GB included per server (host, where several
    share one: model.units; h = r where they do not) and A_p per account;
    monthly cost price_p E[p]. (A_p is subtracted whether or not p is used: unused, p
    sends nothing.)"""
    inst = model.instance
    if not priced_traffic(inst.inventory.groups):
        return pulp.LpAffineExpression()
    terms: dict[str, list] = {}
    for c, provider, var, hosts in _at_horizon(model, bill.prices_traffic):
        group = inst.groups[c.group]
        per_server = provider.included_traffic_tb_per_server
        sent = 1000 * (group.egress_tb_per_month or 0.0) / group.count
        included = 1000 * (per_server.value if per_server else 0.0)  # per host
        mine = terms.setdefault(c.provider, [])
        if hosts is var:
            mine.append((var, sent - included, sent))
        else:
            mine += [(var, sent, sent), (hosts, -included, 0.0)]
    cost = []
    for p, rows in sorted(terms.items()):
        provider = inst.providers[p]
        account = provider.included_traffic_tb_per_account
        most = sum(sent * var.upBound for var, _, sent in rows)  # all of it billed
        E = model.lp.add_variable(f"eg_{len(cost)}", 0, most)
        # rows of the cost (check_costs recomputes the line from the plan)
        add_constraint(model, linear([(v, c) for v, c, _ in rows],
                                     -1000 * (account.value if account else 0.0),
                                     terms={E: -1.0}) <= 0, "costs")
        cost.append(_price(inst, provider.egress_price_per_gb, provider.currency) * E)
    return pulp.lpSum(cost)


def budget(model: Model) -> None:
    """one_time <= one_time_budget; monthly <= monthly_budget (when set)."""
    policy = model.instance.inventory.policy
    if policy.one_time_budget is not None:
        add_constraint(model, model.one_time <= policy.one_time_budget, "budget")
    if policy.monthly_budget is not None:
        add_constraint(model, model.monthly <= policy.monthly_budget, "budget")


# What a server of a sharded or user-facing group weighs while it is up but not counted
# (a shard missing, or users who cannot reach it yet): a tie-break that makes it as soon as
# it can be, so that it serves the moment reach allows. Without it the 2021 coverage phase
# took 67 s: with q = count x R(t) fractional and r worth nothing beyond q, the LP set r
# to fractions in every period.
UP_BEYOND_REACH = 0.01


def unserved(model: Model) -> None:
    """Phase-1 objective: tier-weighted unserved hours over t = 1..H, each period counted
    for its weighted length W_t (its hours, each before the cut-off at BEFORE_CUTOFF:
    while the source still serves users an hour short is a tie-break, not a goal):
    sum_t W_t [ sum_g w_g (count_g - served_g(t)) + sum_k w_k (1 - sum_s a[s,t])
                + w_os (1 - sum_v S[v,t] / stored_gb) ]."""
    inst = model.instance
    length = inst.period_weight
    all_hours = sum(length.values())
    constant = sum(inst.weights[g] * group.count * all_hours
                   for g, group in inst.groups.items())
    weight = np.array([inst.weights[c.group] for c in inst.candidates], dtype=float)
    hours = np.array([length[t] for t in period_starts(inst)], dtype=float)
    candidate, period = model.server_arrays()[:2]
    # one dict, no pair per term: the server and share variables are all distinct; the
    # products with numpy (a comprehension over 1.5 million terms took 1.2 s)
    coefficients = dict(zip(model.r.values(), (-weight[candidate] * hours[period]).tolist()))
    if model.counted:  # these groups count q[g,t] (formulation/reach.py), their servers
        for g in {g for g, _ in model.counted}:  # only as a tie-break (UP_BEYOND_REACH)
            for ci in model.by_group.get(g, ()):
                for t in period_starts(inst):
                    if (ci, t) in model.r:
                        coefficients[model.r[(ci, t)]] *= UP_BEYOND_REACH
        coefficients.update((q, -(1 - UP_BEYOND_REACH) * inst.weights[g] * length[t])
                            for (g, t), q in model.counted.items())
    for kind in ("sms", "email"):
        if kind in inst.weights:
            w = inst.weights[kind]
            constant += w * all_hours
            coefficients.update((var, -w * length[t]) for (si, t), var in model.share.items()
                                if inst.service_candidates[si].kind == kind)
    if "dns" in inst.weights:  # served while the old DNS answers, then as far as R reaches
        w, old = inst.weights["dns"], old_dns_until(model)
        constant += w * sum(hours for t, hours in length.items() if t >= old)
        coefficients.update((var, -w * length[t]) for t, var in model.reach.items()
                            if t >= old)
    stored_terms = []  # a storage variable stands for every hour up to the next one
    if "object_storage" in inst.weights:
        w = inst.weights["object_storage"]
        total_gb = inst.inventory.services.object_storage.stored_tb * 1000
        constant += w * all_hours
        vendors = sorted({v for v, _ in model.store})
        for t in period_starts(inst):
            for v in vendors:
                stored = model.stored(v, t)
                if isinstance(stored, pulp.LpVariable):  # else nothing stored yet: 0
                    stored_terms.append((stored, -w * length[t] / total_gb))
    model.unserved = linear(stored_terms, constant, coefficients)


def cost_ceiling(model: Model) -> float:
    """An upper bound on the cost: every term at its variable's upper bound,
    sum_j |c_j| * ub_j + |constant|; infinite if some cost variable had no upper bound."""
    return sum(abs(c) * (math.inf if v.upBound is None else v.upBound)
               for v, c in model.cost.items() if c) + abs(model.cost.constant)


def value_of(expr, values: dict[str, float]) -> float:
    """An expression's value at a point given by variable name."""
    return sum(c * values.get(v.name, 0.0) for v, c in expr.items()) + expr.constant


def value_at(expr, point: dict) -> float:
    """An expression's value at a point given by variable (0 elsewhere): a look-up per
    variable of the point, where `value_of` walks the expression (the unserved hours at
    10,000 synthetic servers in 500 groups: 60,000 look-ups against 1.5 million terms)."""
    return sum(expr.get(v, 0.0) * x for v, x in point.items()) + expr.constant


# What a held continuous coverage may lose to the solver's own tolerances (shares are
# fractions of a demand, storage is in GB): far below anything the cost phase could buy.
SHARE_SLACK, STORED_SLACK_GB = 1e-7, 1e-6


def coverage_holds(model: Model, values: dict[str, float]) -> list[tuple[object, str]]:
    """Phase 2 keeps what phase 1 serves. With x the phase-1 point: for every tier k and
    period start t, sum_{g of tier k} served_g(t) >= its value at x (groups of one tier may
    trade servers; whole numbers, so exact); for every service kind and t, sum_s a[s,t] >=
    its value at x - 1e-7; and sum_v S[v,t] >= its value at x - 1e-6 GB. Together they
    hold the tier-weighted unserved hours at phase 1's value, and no coverage is sold for
    money. (One row per tier over all hours, letting hours trade too, was measured: the
    2021 cost phase 1.2 s -> 2.6 s for the same cost; 400 synthetic servers, restricted:
    6.2% cheaper than per group in 30 s, against 2.1% in 4.8 s this way.)"""
    inst = model.instance
    holds = []
    tier = {g: group.tier for g, group in inst.groups.items()}
    by_tier: dict[tuple[int, int], list[tuple[pulp.LpVariable, float]]] = {}
    special = {g for g, _ in model.counted}  # counted through q (formulation/reach.py),
    for (ci, t), var in model.r.items():     # their servers as in the objective
        g = inst.candidates[ci].group
        by_tier.setdefault((t, tier[g]), []).append(
            (var, UP_BEYOND_REACH if g in special else 1.0))
    fractional = set()
    for (g, t), q in model.counted.items():
        by_tier.setdefault((t, tier[g]), []).append((q, 1 - UP_BEYOND_REACH))
        fractional.add((t, tier[g]))
    for key in sorted(by_tier):
        served = linear(by_tier[key])
        need = value_of(served, values)  # q may be a fraction: held to the solver's slack
        need = need - SHARE_SLACK * max(1.0, need) if key in fractional else round(need)
        if need >= 1e-9:
            holds.append((served >= need, "coverage_holds"))
    for kind in sorted({sc.kind for sc in inst.service_candidates}):
        for t in period_starts(inst):
            share = model.service_share(kind, t)
            need = value_of(share, values) - SHARE_SLACK
            if need > 0:
                holds.append((share >= need, "coverage_holds"))
    if model.store:
        for t in period_starts(inst):
            stored = model.stored_total(t)
            need = value_of(stored, values) - STORED_SLACK_GB
            if need > 0:
                holds.append((stored >= need, "coverage_holds"))
    return holds
