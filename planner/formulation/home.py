"""The home stage's integer program: after the bridge, every group on at most K compute
providers (policy.max_providers_home) near the plan's hub, at the least cost of running them
(run_rate_months of the home's monthly bill) plus the one-time cost of moving there.

It is one period, the home hour T = 24 x policy.home_day: the capacity each provider can have
by then (its curves at T: onboarding, quotas and their raises, stock, unit quotas). Kept
servers (those the bridge already runs at the same provider and offering) move nothing;
new ones pay their setup fee, and a group new at a provider pays the bridge's egress of its
data copied there again.

Symbols: c a candidate (group g, provider p, offering o, k_c servers per host), n_c its
servers, h_c its hosts, y_p the provider used, u_g servers of g with no home, b_c the servers
the bridge runs on c at its horizon, B_gp the bridge's servers of g at p, w_gp g new at p,
s_p the support plan at p, e_p servers beyond the catalog's quota at p (to be negotiated),
z_g the group staying on the bridge (no home for it).

The catalog knows a provider's new-account quota and its first raise; a month on, a paying
customer asks for more, and how much is granted no catalog knows. So the home may count on
e_p more servers at a provider it uses, at a tie-break's weight: the plan then says what to
negotiate, with whom, by when.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pulp

from planner.domain.bill import ipv4_monthly
from planner.domain.home import recopy_per_gb
from planner.domain.location import Geography, bounded_pairs
from planner.domain.spread import least_footprint
from planner.formulation.candidates import Candidate
from planner.formulation.instance import Instance
from planner.formulation.model import add_constraint
from planner.formulation.problem import Problem

UNPLACED_WEIGHT = 1e6  # per server without a home, times its tier weight: far above any cost
# per server beyond the catalog's quota at a home provider (to be negotiated), in the plan's
# currency: a tie-break, so that of two homes that cost the same the one asking less wins.
# A new account's server quota is a limit against fraud, not the provider's capacity; a
# month on, a paying customer's raise is a ticket. Stock and unit quotas stay as stated.
NEGOTIATED_WEIGHT = 1.0


@dataclass
class HomeModel:
    """The home's MILP and what its variables mean (`lp` as in formulation/model.Model)."""

    lp: Problem
    hour: int
    candidates: list[Candidate]
    servers: dict[Candidate, pulp.LpVariable] = field(default_factory=dict)
    hosts: dict[Candidate, pulp.LpVariable] = field(default_factory=dict)
    used: dict[str, pulp.LpVariable] = field(default_factory=dict)
    unplaced: dict[str, pulp.LpVariable] = field(default_factory=dict)  # z_g: stays on the bridge
    extra: dict[str, pulp.LpVariable] = field(default_factory=dict)
    new_at: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    by_place: dict[tuple[str, str], list[Candidate]] = field(default_factory=dict)  # (g, p)
    why_not: dict[str, list[str]] = field(default_factory=dict)


def home_candidates(inst: Instance, hub_place) -> tuple[list[Candidate], dict[str, list[str]]]:
    """The candidates within reach of the hub for every round-trip bound of their group:
    rtt(hub, p) <= bound / 2 for each bound the group is in, or p in the hub's metro. Two
    providers each within half a bound of the hub are within the bound of each other
    (the distance estimate obeys the triangle inequality), so every dependency keeps its
    bound whichever of them its groups land on."""
    if hub_place is None:
        return list(inst.candidates), {}
    geo = Geography(inst.catalog)
    bound: dict[str, float] = {}
    for g, h, ms in bounded_pairs(inst.inventory):
        for name in (g, h):
            bound[name] = min(bound.get(name, math.inf), ms)
    kept, far = [], {}
    for c in inst.candidates:
        place = inst.places.get(c.provider)
        limit = bound.get(c.group, math.inf)
        near = place is not None and (place.key == hub_place.key
                                      or geo.rtt_ms(hub_place, place) <= limit / 2 + 1e-9)
        if near or limit == math.inf:
            kept.append(c)
        else:
            far.setdefault(c.group, []).append(c.provider)
    return kept, {g: sorted(set(ps)) for g, ps in far.items()}


def server_price(inst: Instance, c: Candidate) -> float:
    """A host of c a month, in the plan's currency: its price and its addresses."""
    provider = inst.providers[c.provider]
    offering = inst.offering(c.provider, c.offering)
    return inst.to_plan_currency(offering.price_per_month.value
                                 + ipv4_monthly(provider, offering), provider.currency)


def setup_fee(inst: Instance, c: Candidate) -> float:
    offering = inst.offering(c.provider, c.offering)
    return inst.to_plan_currency(offering.setup_fee.value, inst.providers[c.provider].currency) \
        if offering.setup_fee else 0.0


def formulate_home(inst: Instance, bridge: dict[tuple[str, str, str], int],
                   max_providers: int, hub_place) -> HomeModel:
    """The home MILP on `inst` (prepared with its horizon at the home hour T), from the
    bridge's servers at its horizon, `bridge[(g, p, o)]`."""
    T = inst.horizon_hours
    candidates, far = home_candidates(inst, hub_place)
    refused: dict[str, set[str]] = {}  # group -> providers that refuse (domain/refusal.py)
    for c in candidates:
        if inst.refused_at(c.provider) is not None:
            refused.setdefault(c.group, set()).add(c.provider)
    candidates = [c for c in candidates if inst.refused_at(c.provider) is None]
    model = HomeModel(lp=Problem("home", pulp.LpMinimize), hour=T, candidates=candidates)
    for g, providers in far.items():
        model.why_not.setdefault(g, []).append(
            f"beyond half its round-trip bound from the hub: {', '.join(providers)}")
    for g, providers in refused.items():
        model.why_not.setdefault(g, []).append(f"refused by then: {', '.join(sorted(providers))}")
    lp = model.lp
    providers = sorted({c.provider for c in candidates})
    for i, c in enumerate(candidates):
        model.by_place.setdefault((c.group, c.provider), []).append(c)
        top = inst.groups[c.group].count
        model.servers[c] = lp.add_variable(f"hn_{i}", 0, top, pulp.LpInteger)
        model.hosts[c] = model.servers[c] if c.per_host == 1 else \
            lp.add_variable(f"hh_{i}", 0, top, pulp.LpInteger)
    everything = sum(g.count for g in inst.groups.values())
    for j, p in enumerate(providers):
        model.used[p] = lp.add_variable(f"hy_{j}", 0, 1, pulp.LpBinary)
        model.extra[p] = lp.add_variable(f"he_{j}", 0, everything, pulp.LpInteger)
    for k, g in enumerate(inst.groups):
        model.unplaced[g] = lp.add_variable(f"hz_{k}", 0, 1, pulp.LpBinary)
    home_demand(model, inst)
    home_hosts(model)
    home_capacity(model, inst, providers)
    home_providers(model, max_providers)
    home_share(model, inst)
    home_footprint(model, inst)
    support = home_support(model, inst, providers)
    one_time = home_moves(model, inst, bridge)
    monthly = pulp.lpSum(server_price(inst, c) * model.hosts[c] for c in candidates) \
        + pulp.lpSum(support) + inst.inventory.policy.provider_overhead_per_month \
        * pulp.lpSum(model.used.values())
    unplaced = pulp.lpSum(UNPLACED_WEIGHT * inst.weights[g] * inst.groups[g].count * z
                          for g, z in model.unplaced.items())
    negotiated = NEGOTIATED_WEIGHT * pulp.lpSum(model.extra.values())
    lp.setObjective(unplaced + negotiated + inst.inventory.policy.run_rate_months * monthly
                    + one_time)
    return model


def _at(model: HomeModel, g: str, p: str):
    """x_gp: the servers of g at p, over p's offerings."""
    return pulp.lpSum(model.servers[c] for c in model.by_place.get((g, p), []))


def _providers_of(model: HomeModel) -> dict[str, list[str]]:
    """g -> the providers g has candidates at, in name order (a scan of all candidates per
    group was 10 s of a 10,000-server home model)."""
    out: dict[str, set[str]] = {}
    for g, p in model.by_place:
        out.setdefault(g, set()).add(p)
    return {g: sorted(ps) for g, ps in out.items()}


def home_demand(model: HomeModel, inst: Instance) -> None:
    """A group moves home whole or stays on the bridge whole:
    sum_{c of g} n_c + count_g z_g = count_g."""
    servers: dict[str, list] = {g: [] for g in inst.groups}
    for c, n in model.servers.items():
        servers[c.group].append(n)
    for g, group in inst.groups.items():
        add_constraint(model, pulp.lpSum(servers[g]) + group.count * model.unplaced[g]
                       == group.count, "home_demand")


def home_hosts(model: HomeModel) -> None:
    """A packed candidate's hosts hold its servers, and none is empty (the verifier's rule:
    an incumbent found under a time limit once paid for 16 hosts to hold 1 server):
    n_c <= k_c h_c and h_c <= n_c."""
    for c, h in model.hosts.items():
        if c.per_host > 1:
            add_constraint(model, c.per_host * h - model.servers[c] >= 0, "home_hosts")
            add_constraint(model, h - model.servers[c] <= 0, "home_hosts")


def home_capacity(model: HomeModel, inst: Instance, providers: list[str]) -> None:
    """What a provider can have by the home hour T, only where it is used, with what is
    negotiated beyond its quota: sum_{c at p} h_c <= cap_p(T) y_p + e_p, e_p <= N y_p (N all
    the servers); per offering, sum h_c <= stock_po(T); per unit quota q,
    sum_c units_qc h_c <= limit_q(T) (stock and unit quotas are not negotiated here)."""
    T = model.hour
    everything = sum(g.count for g in inst.groups.values())  # cap(T) may be unbounded
    for p in providers:
        at_p = [c for c in model.candidates if c.provider == p]
        cap = min(inst.provider_curves[p].values[T], everything)
        add_constraint(model, pulp.lpSum(model.hosts[c] for c in at_p)
                       - cap * model.used[p] - model.extra[p] <= 0, "home_capacity")
        add_constraint(model, model.extra[p] - everything * model.used[p] <= 0,
                       "home_capacity")
        for (q_p, _), curve in inst.quota_curves.items():
            if q_p != p:
                continue
            units = inst.quota_units[(q_p, _)]
            terms = [units[c.offering] * model.hosts[c] for c in at_p if c.offering in units]
            if terms and math.isfinite(curve.values[T]):
                add_constraint(model, pulp.lpSum(terms) <= curve.values[T], "home_capacity")
        for o in sorted({c.offering for c in at_p}):
            curve = inst.offering_curves.get((p, o))
            if curve is not None and math.isfinite(curve.values[T]):
                add_constraint(model, pulp.lpSum(model.hosts[c] for c in at_p
                                                 if c.offering == o) <= curve.values[T],
                               "home_capacity")


def home_providers(model: HomeModel, max_providers: int) -> None:
    """At most K compute providers: sum_p y_p <= K."""
    add_constraint(model, pulp.lpSum(model.used.values()) <= max_providers, "home_providers")


def home_share(model: HomeModel, inst: Instance) -> None:
    """The policy's spread holds at home as on the bridge, for a group with `spread`: with
    x_gp = sum_{c of g at p} n_c and X_g = count_g - u_g, x_gp <= share X_g; and with
    k = survive_provider_losses, the k largest x_gp at most (1 - min_surviving) X_g, in the
    sum-of-k-largest form k lambda_g + sum_p mu_gp <= (1 - s) X_g, mu_gp >= x_gp - lambda_g."""
    policy = inst.inventory.policy
    k = policy.survive_provider_losses
    providers_of = _providers_of(model)
    for i, (g, group) in enumerate(inst.groups.items()):
        if not group.spread:
            continue
        placed = group.count - group.count * model.unplaced[g]
        at = providers_of.get(g, [])
        for p in at:
            add_constraint(model, _at(model, g, p) - policy.max_share_per_provider * placed
                           <= 0, "home_share")
        if k > 0 and at:
            lam = model.lp.add_variable(f"hl_{i}", 0, None)
            mus = []
            for j, p in enumerate(at):
                mu = model.lp.add_variable(f"hm_{i}_{j}", 0, None)
                add_constraint(model, mu - _at(model, g, p) + lam >= 0, "home_share")
                mus.append(mu)
            add_constraint(model, k * lam + pulp.lpSum(mus)
                           - (1 - policy.min_surviving_share) * placed <= 0, "home_share")


def home_footprint(model: HomeModel, inst: Instance) -> None:
    """The policy's least footprint holds at home as on the bridge: a group at a provider
    has at least m_g = min(min_servers_per_provider, count_g) servers there, with f_gp
    binary: x_gp >= m_g f_gp and x_gp <= count_g f_gp. None where m_g is 1."""
    policy = inst.inventory.policy
    for i, ((g, p), _) in enumerate(sorted(model.by_place.items())):
        count = inst.groups[g].count
        m = least_footprint(policy, count)
        if m <= 1:
            continue
        f = model.lp.add_variable(f"hf_{i}", 0, 1, pulp.LpBinary)
        add_constraint(model, _at(model, g, p) - m * f >= 0, "home_footprint")
        add_constraint(model, _at(model, g, p) - count * f <= 0, "home_footprint")


def home_support(model: HomeModel, inst: Instance, providers: list[str]) -> list:
    """The support plan of each provider used, when the policy buys it:
    s_p >= minimum_p y_p and s_p >= percent_p x spend_p."""
    if not inst.inventory.policy.buy_support:
        return []
    out = []
    for j, p in enumerate(providers):
        plan = inst.providers[p].support
        if plan is None:
            continue
        cur = inst.providers[p].currency
        s = model.lp.add_variable(f"hs_{j}", 0, None)
        add_constraint(model, s - inst.to_plan_currency(plan.minimum_per_month.value, cur)
                       * model.used[p] >= 0, "home_support")
        if plan.percent_of_spend:
            spend = pulp.lpSum(server_price(inst, c) * model.hosts[c]
                               for c in model.candidates if c.provider == p)
            add_constraint(model, s - plan.percent_of_spend.value / 100 * spend >= 0,
                           "home_support")
        out.append(s)
    return out


def home_moves(model: HomeModel, inst: Instance, bridge: dict[tuple[str, str, str], int]):
    """The one-time cost of moving: setup fees of the hosts beyond the bridge's on each
    candidate, v_c >= h_c - b_c, and the data of a group copied again into a provider where
    the bridge has none of it, w_gp >= x_gp / count_g (w binary), at the cheapest egress of
    the bridge providers holding it. Returns the expression."""
    terms = []
    for i, c in enumerate(model.candidates):
        fee = setup_fee(inst, c)
        if fee > 0:
            extra = model.lp.add_variable(f"hv_{i}", 0, None)
            add_constraint(model, extra - model.hosts[c]
                           >= -bridge.get((c.group, c.provider, c.offering), 0), "home_moves")
            terms.append(fee * extra)
    providers_of, holding = _providers_of(model), {}
    for (bg, p, _), n in bridge.items():
        if n > 0:
            holding.setdefault(bg, set()).add(p)
    for g, group in inst.groups.items():
        if group.data_gb <= 0 or group.data_from:
            continue
        held = sorted(holding.get(g, ()))
        price = recopy_per_gb(inst.catalog, held, inst.inventory.currency)
        for p in [p for p in providers_of.get(g, []) if p not in holding.get(g, ())]:
            w = model.lp.add_variable(f"hw_{len(model.new_at)}", 0, 1, pulp.LpBinary)
            model.new_at[(g, p)] = w
            add_constraint(model, group.count * w - _at(model, g, p) >= 0, "home_moves")
            terms.append(price * group.data_gb * w)
    return pulp.lpSum(terms)
